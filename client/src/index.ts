export type { BackoffOptions } from './backoff.js';
export type { ChangeType, ConfigChangeEvent, ItemChange } from './changes.js';
export type { ChangeListener, ErrorListener } from './config-client.js';
export { ConfigClient } from './config-client.js';
export { ConfigClosedError, ConfigProtocolError, ConfigServerError, ConfigStartError, ConfigUnreachableError } from './errors.js';
export type { NamespaceState, SnapshotSource } from './namespace-config.js';
export { NamespaceConfig } from './namespace-config.js';
export type { ConfigClientOptions, WebSocketConstructor, WebSocketLike } from './options.js';
export type { TransportState } from './watcher.js';
