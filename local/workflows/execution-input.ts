import { InvalidExecutionInput, InvalidName } from './errors.js';
import { parseJson } from './json.js';

const MAX_NAME_LENGTH = 80;
const MAX_INPUT_BYTES = 256 * 1024;
const FORBIDDEN_IN_NAMES = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** AWS's rule for execution names: 1 to 80 characters; no whitespace, brackets, wildcards, `"#%\^|~`$&,;:/` or control characters. */
export function assertExecutionName(name: string): void {
  const controlFree = [...name].every((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });
  if (name.length < 1 || name.length > MAX_NAME_LENGTH || FORBIDDEN_IN_NAMES.test(name) || !controlFree) {
    throw new InvalidName(`Invalid Name: '${name}' (1 to 80 characters, no whitespace, brackets, wildcards, special or control characters)`);
  }
}

/** An execution's input must be JSON text of at most 256 KiB. */
export function assertExecutionInput(input: string): void {
  if (Buffer.byteLength(input) > MAX_INPUT_BYTES) throw new InvalidExecutionInput('Invalid Execution Input: the input exceeds 262144 bytes');
  try {
    parseJson(input);
  } catch {
    throw new InvalidExecutionInput(`Invalid Execution Input: '${input.slice(0, 100)}' is not valid JSON`);
  }
}
