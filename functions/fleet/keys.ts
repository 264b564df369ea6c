/**
 * Release-system (fleet) keys in the fleet table.
 *
 *   service          pk = SVC#<service>        sk = #SERVICE            name, registered_at
 *   instance         pk = SVC#<service>        sk = INST#<instance>     host, port, metadata, version, state,
 *                                                                      last_heartbeat, active_op, history_count
 *                    gsi1pk = HEARTBEAT        gsi1sk = <last heartbeat>#<service>#<instance>  (staleness)
 *   instance owner   pk = INSTANCE#<instance>  sk = #OWNER              service (ids are unique across services)
 *   version          pk = SVC#<service>        sk = VER#<version>       package_url, sha256, recorded_at
 *   operation        pk = OP#<id>              sk = #OP                 kind, service, version, request, status, times
 *   operation row    pk = OP#<id>              sk = INST#<instance>     per-instance status, attempts, error, output
 *   command          pk = CMD#<command id>     sk = #CMD                type, token, service, instance, status
 *   command queue    pk = QUEUE#<svc>#<inst>   sk = <time>#<command id> what an agent has not acknowledged yet
 *   version history  pk = HIST#<instance>      sk = <time>#<op id>      version, action, op id, status
 *   stats bucket     pk = STATS                sk = HOUR#<yyyyMMddHH>   deploy_/rollback_ total, success, failed, cancelled
 *   instance count   pk = STATS                sk = INSTANCES           total
 *
 * Access patterns: a deployment's status is one Query on its partition (header + rows, no separate
 * counters to contend on); an instance list is one Query on the service partition; stats read at
 * most 720 hourly buckets and count stale heartbeats on gsi1 (keys only); an agent's poll reads its
 * queue partition. No request path scans.
 */
export const serviceKey = (service: string) => ({ pk: `SVC#${service}`, sk: '#SERVICE' });
export const instanceKey = (service: string, instance: string) => ({ pk: `SVC#${service}`, sk: `INST#${instance}` });
export const ownerKey = (instance: string) => ({ pk: `INSTANCE#${instance}`, sk: '#OWNER' });
export const versionKey = (service: string, version: string) => ({ pk: `SVC#${service}`, sk: `VER#${version}` });
export const operationKey = (id: string) => ({ pk: `OP#${id}`, sk: '#OP' });
export const rowKey = (id: string, instance: string) => ({ pk: `OP#${id}`, sk: `INST#${instance}` });
export const commandKey = (id: string) => ({ pk: `CMD#${id}`, sk: '#CMD' });
export const queuePk = (service: string, instance: string) => `QUEUE#${service}#${instance}`;
/** A command's place in its agent's queue: oldest first, the id breaking ties. */
export const queueKey = (command: { service: string; instance_id: string; created_at: string; command_id: string }) => ({
  pk: queuePk(command.service, command.instance_id),
  sk: `${command.created_at}#${command.command_id}`,
});
export const historyPk = (instance: string) => `HIST#${instance}`;
export const statsHourKey = (hour: string) => ({ pk: 'STATS', sk: `HOUR#${hour}` });
export const INSTANCE_COUNT_KEY = { pk: 'STATS', sk: 'INSTANCES' } as const;
export const HEARTBEAT_INDEX_PK = 'HEARTBEAT';

/** `yyyyMMddHH` of an RFC 3339 time: the stats bucket an operation counts in. */
export const hourOf = (iso: string) => iso.slice(0, 13).replace(/[-T]/g, '');
