/**
 * What never reaches a log line: values under keys that name a credential, and bearer tokens
 * written into text. Used as the Powertools logger's JSON replacer, so it applies to every key at
 * every depth of every record, whatever a caller passes.
 */
export const REDACTED = '[REDACTED]';

/** Keys whose values are credentials: password(s), passwd, secret(s), token(s), authorization, kubeconfig, credential(s), api keys. */
const SECRET_KEY = /pass(word|wd)|secret|token|authorization|kubeconfig|credential|api[-_]?key/i;

/** Credentials that show up inside text: `Bearer …`, our API tokens (`cpt_…`), EKS tokens (`k8s-aws-v1.…`). */
const SECRET_TEXT = /(Bearer\s+)\S+|\bcpt_[A-Za-z0-9_-]+|\bk8s-aws-v1\.[A-Za-z0-9_-]+/g;

/** A JSON.stringify replacer: redacts credential keys and credential-looking text. */
export function redactLogValue(key: string, value: unknown): unknown {
  if (key !== '' && SECRET_KEY.test(key) && value !== undefined && value !== null && value !== '') return REDACTED;
  if (typeof value === 'string') return value.replace(SECRET_TEXT, (match, bearer: string | undefined) => (bearer ? `${bearer}${REDACTED}` : REDACTED));
  return value;
}
