import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface ApiAlarmsProps {
  readonly api: apigateway.RestApi;
  /** 5XX answers in 5 minutes that raise the alarm. @default 5 */
  readonly serverErrorsPerFiveMinutes?: number;
  /** Where alarms are sent. @default - none: the alarm shows in the console only */
  readonly alarmTopic?: sns.ITopic;
}

/** The API's health at a glance: an alarm on 5XX answers and a small dashboard. */
export class ApiAlarms extends Construct {
  readonly serverErrors: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ApiAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const threshold = props.serverErrorsPerFiveMinutes ?? 5;
    if (!Number.isInteger(threshold) || threshold < 1) throw new Error(`serverErrorsPerFiveMinutes must be a positive integer, got ${threshold}`);
    this.serverErrors = new cloudwatch.Alarm(this, 'ServerErrors', {
      alarmDescription: 'The API answered 5XX: a handler failed or timed out (see the access log and X-Ray).',
      metric: props.api.metricServerError({ period, statistic: cloudwatch.Stats.SUM }),
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.serverErrors.addAlarmAction(new SnsAction(props.alarmTopic));

    new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Requests and errors',
            left: [props.api.metricCount({ period }), props.api.metricClientError({ period }), props.api.metricServerError({ period })],
          }),
          new cloudwatch.GraphWidget({
            title: 'Latency (p50, p99)',
            left: [props.api.metricLatency({ period, statistic: 'p50' }), props.api.metricLatency({ period, statistic: 'p99' })],
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [this.serverErrors] }),
        ],
      ],
    });
  }
}
