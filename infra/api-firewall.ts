import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/**
 * Rules of the AWS common rule set that inspect request bodies or repeat what the handlers must
 * answer themselves. Bodies legitimately carry configuration values (up to 64 KiB, any text,
 * including markup), Helm values YAML and package URLs, which these rules would block with a bare
 * 403; and CONTRACTS.md wants path traversal answered 400 in the family's envelope. They count
 * instead of block, so their matches stay visible in WAF metrics.
 */
export const COUNT_ONLY_COMMON_RULES = [
  'SizeRestrictions_BODY',
  'CrossSiteScripting_BODY',
  'GenericLFI_BODY',
  'GenericRFI_BODY',
  'EC2MetaDataSSRF_BODY',
  'GenericLFI_URIPATH',
  'GenericLFI_QUERYARGUMENTS',
] as const;

export interface ApiFirewallProps {
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  /** Requests one client IP may make in any 5-minute window before it is blocked. @default 10000 */
  readonly requestsPerFiveMinutesPerIp?: number;
  /** Common-rule-set rules that only count. @default COUNT_ONLY_COMMON_RULES */
  readonly countOnlyRules?: readonly string[];
}

/** A regional WAF web ACL on the API stage: a per-IP rate limit and the AWS common rule set. */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const limit = props.requestsPerFiveMinutesPerIp ?? 10_000;
    // A NAT in front of a fleet of agents and config clients is one IP, hence the generous default.
    if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000)
      throw new Error(`requestsPerFiveMinutesPerIp must be an integer from 10 to 2e9, got ${limit}`);
    const visibility = (metricName: string) => ({ metricName, cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('ControlPlaneApi'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          name: 'AwsCommonRuleSet',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              ruleActionOverrides: (props.countOnlyRules ?? COUNT_ONLY_COMMON_RULES).map((name) => ({ name, actionToUse: { count: {} } })),
            },
          },
          visibilityConfig: visibility('AwsCommonRuleSet'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', { resourceArn: props.stageArn, webAclArn: this.webAcl.attrArn });
  }
}
