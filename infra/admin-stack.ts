import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { StackProps } from 'aws-cdk-lib';
import { CfnOutput, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { FunctionDef } from '#functions/tasks.js';
import { FUNCTIONS } from '#functions/tasks.js';
import { tableOfEntry } from './domains.js';
import type { DataTables, RuntimeSettings } from './function-environment.js';
import { functionEnvironment, logGroupNameOf } from './function-environment.js';
import { HouseFunction } from './house-function.js';
import { acknowledge } from './nag.js';

export const BOOTSTRAP_ADMIN = 'BootstrapAdmin';
export const SEED_APP_CATALOG = 'SeedAppCatalog';

/** The app store's seed files (functions/appstore/catalog/*.json), bundled into the seeding function. */
const SEED_DIR = new URL('../functions/appstore/catalog/', import.meta.url);

/** A hash of the seed files: a changed file changes the custom resource's properties, so CloudFormation seeds again. */
export function seedFilesHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(SEED_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort())
    hash.update(`${file}\n`).update(readFileSync(new URL(file, SEED_DIR)));
  return hash.digest('hex');
}

export interface AdminStackProps extends StackProps {
  readonly tables: DataTables;
  readonly runtime: RuntimeSettings;
  /** The custom resource's function. @default the `BootstrapAdmin` entry of FUNCTIONS */
  readonly bootstrapFunction?: FunctionDef;
  /** The app store catalog seeding custom resource's function. @default the `SeedAppCatalog` entry of FUNCTIONS */
  readonly seedCatalogFunction?: FunctionDef;
  /** @default ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The first admin: a generated token in Secrets Manager (the operator reads it once, then creates
 * personal users through /admin/users), and a custom resource that runs our own code
 * (functions/admin/bootstrap-admin.ts) to make that token an admin's at deploy time; and the app
 * store catalog's seed entries, written by a second custom resource (functions/appstore/seed-catalog.ts).
 */
export class AdminStack extends Stack {
  readonly adminToken: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AdminStackProps) {
    super(scope, id, props);
    const def = props.bootstrapFunction ?? FUNCTIONS.find((f) => f.name === BOOTSTRAP_ADMIN);
    if (!def || def.kind !== 'custom-resource')
      throw new Error(`FUNCTIONS needs a custom-resource function named ${BOOTSTRAP_ADMIN}, got ${JSON.stringify(def)}`);

    this.adminToken = new secretsmanager.Secret(this, 'AdminToken', {
      description:
        'Bearer token of the first admin of the control plane API. Read it once; rotate it with PUT /admin/users/{id} (rotate_token) after creating personal admins.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Kept with the tables (which are retained): the admin it names outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.adminToken,
      'AwsSolutions-SMG4',
      'The token is rotated through the API (PUT /admin/users/{id} with rotate_token), which returns the new token once and stores only its hash; a Secrets Manager rotation would have to duplicate that, and the secret is meant to be read once at setup.',
    );

    const fn = new HouseFunction(this, def.name, {
      entry: def.entry,
      environment: functionEnvironment(this, { tables: props.tables, runtime: props.runtime }),
      description: "Custom resource: makes the generated admin token an admin's token",
      timeoutSeconds: def.timeoutSeconds ?? 60,
      helm: def.helm,
      logRetention: props.logRetention,
      logGroupName: logGroupNameOf(props.runtime, def.entry),
    });
    fn.grantTableData(props.tables[tableOfEntry(def.entry)], 'read-write');
    this.adminToken.grantRead(fn);

    new CustomResource(this, 'BootstrapAdminResource', {
      resourceType: 'Custom::BootstrapAdmin',
      serviceToken: fn.function.functionArn,
      // Fails the deployment in minutes, not CloudFormation's default hour, if no answer comes.
      serviceTimeout: Duration.minutes(5),
      properties: { SecretArn: this.adminToken.secretArn },
    });

    this.seedCatalog(props);

    new CfnOutput(this, 'AdminTokenSecretArn', {
      value: this.adminToken.secretArn,
      description: 'Read the first admin token with: aws secretsmanager get-secret-value --secret-id <this>',
    });
  }
  /** Writes the catalog's absent seed entries at every deployment that changes the seed files. */
  private seedCatalog(props: AdminStackProps): void {
    const def = props.seedCatalogFunction ?? FUNCTIONS.find((f) => f.name === SEED_APP_CATALOG);
    if (!def || def.kind !== 'custom-resource')
      throw new Error(`FUNCTIONS needs a custom-resource function named ${SEED_APP_CATALOG}, got ${JSON.stringify(def)}`);
    const fn = new HouseFunction(this, def.name, {
      entry: def.entry,
      environment: functionEnvironment(this, { tables: props.tables, runtime: props.runtime }),
      description: "Custom resource: writes the app store catalog's absent seed entries",
      timeoutSeconds: def.timeoutSeconds ?? 60,
      helm: def.helm,
      logRetention: props.logRetention,
      logGroupName: logGroupNameOf(props.runtime, def.entry),
    });
    fn.grantTableData(props.tables[tableOfEntry(def.entry)], 'read-write');
    new CustomResource(this, 'SeedAppCatalogResource', {
      resourceType: 'Custom::SeedAppCatalog',
      serviceToken: fn.function.functionArn,
      serviceTimeout: Duration.minutes(5),
      properties: { SeedFilesHash: seedFilesHash() },
    });
  }
}
