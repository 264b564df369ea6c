import { describe, expect, it } from 'vitest';
import { namespaceOfKey } from '../../functions/kvconfig/keys.js';
import { PUSH_API } from '../../functions/kvconfig/push-routes.js';
import { matches } from '../../local/stream-reader.js';

const record = (eventName: string, sk: string) => ({ eventName, dynamodb: { Keys: { pk: { S: 'CLUSTER#dev#app#default' }, sk: { S: sk } } } });

describe('the fan-out filter, as the local stream reader evaluates it', () => {
  const pattern = PUSH_API.fanOut.filterPattern;
  it('lets inserted and modified namespace items through, and nothing else', () => {
    expect(matches(pattern, record('MODIFY', 'NS#application'))).toBe(true);
    expect(matches(pattern, record('INSERT', 'NS#application'))).toBe(true);
    expect(matches(pattern, record('REMOVE', 'NS#application'))).toBe(false);
    expect(matches(pattern, record('MODIFY', 'CLUSTER#default'))).toBe(false);
    expect(matches(pattern, record('MODIFY', 'CONN'))).toBe(false);
    expect(matches(pattern, { eventName: 'MODIFY', dynamodb: {} })).toBe(false);
    expect(matches(pattern, { eventName: 'MODIFY', dynamodb: { Keys: { sk: { N: '1' } } } })).toBe(false);
  });
  it('refuses a pattern it cannot evaluate instead of letting records through', () => {
    expect(() => matches({ eventName: [{ 'anything-but': 'REMOVE' }] }, { eventName: 'MODIFY' })).toThrow(/unsupported filter rule/);
    expect(() => matches({ eventName: 'MODIFY' }, { eventName: 'MODIFY' })).toThrow(/unsupported filter pattern/);
  });
});

describe('the namespace a stream record names', () => {
  it('reads env, app, cluster and namespace from the namespace item key', () => {
    expect(namespaceOfKey({ pk: 'CLUSTER#dev#app#default', sk: 'NS#application' })).toEqual({
      env: 'dev',
      app: 'app',
      cluster: 'default',
      namespace: 'application',
    });
  });
  it('is undefined for any other item', () => {
    expect(namespaceOfKey({ pk: 'APP#dev#app', sk: 'CLUSTER#default' })).toBeUndefined();
    expect(namespaceOfKey({ pk: 'CLUSTER#dev#app', sk: 'NS#x' })).toBeUndefined();
    expect(namespaceOfKey({ pk: 'CLUSTER#dev#app#default#extra', sk: 'NS#x' })).toBeUndefined();
    expect(namespaceOfKey({ pk: 'PUSHSUB#dev#app#default#application', sk: 'abc=' })).toBeUndefined();
  });
});
