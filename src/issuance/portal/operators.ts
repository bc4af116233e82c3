/**
 * School staff who log in to the portal, as `mleg issuer operator add|passwd|remove|list`
 * manages them: a name (lower case, no spaces, none of the actors the audit table already
 * uses), a password of 12 to 256 characters hashed with scrypt (src/issuance/portal/passwords.ts).
 */
import { MlegError } from '../../errors.js';
import type { Actor } from '../store.js';
import { hashPassword, newPasswordProblem } from './passwords.js';
import type { PortalStore } from './portal-store.js';

/** Names the audit table gives to what is not an operator. */
export const RESERVED_NAMES = ['admin', 'wallet', 'portal', 'cli', 'system'];
/** The audit table's actor for `mleg issuer operator`. */
export const CLI_ACTOR: Actor = 'cli';
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The name as it is kept and typed at login (lower case), or a usage error saying what is wrong. */
export function operatorName(given: string): string {
  const name = given.trim().toLowerCase();
  if (!NAME.test(name)) throw new MlegError('USAGE', `operator name ${JSON.stringify(given)}: 1 to 64 letters a-z, digits, ".", "_" or "-", starting with a letter or digit`);
  if (RESERVED_NAMES.includes(name)) throw new MlegError('USAGE', `operator name "${name}" is reserved (${RESERVED_NAMES.join(', ')} name other actors in the audit table)`);
  return name;
}

function checkedPassword(password: string): string {
  const problem = newPasswordProblem(password);
  if (problem !== undefined) throw new MlegError('PASSWORD_REJECTED', problem);
  return password;
}

export async function addOperator(store: PortalStore, name: string, password: string, now: number): Promise<void> {
  const done = await store.addOperator(operatorName(name), await hashPassword(checkedPassword(password)), now, CLI_ACTOR);
  if (!done.ok) throw new MlegError('CONFLICT', `${done.reason === 'conflict' ? done.message : 'cannot add it'}; give a new password with "mleg issuer operator passwd"`);
}

export async function setOperatorPassword(store: PortalStore, name: string, password: string, now: number): Promise<void> {
  const done = await store.setPassword(operatorName(name), await hashPassword(checkedPassword(password)), now, CLI_ACTOR);
  if (!done.ok) throw new MlegError('NOT_FOUND', `no operator "${name}"`);
}

export async function removeOperator(store: PortalStore, name: string, now: number): Promise<void> {
  const done = await store.removeOperator(operatorName(name), now, CLI_ACTOR);
  if (!done.ok) throw new MlegError('NOT_FOUND', `no operator "${name}"`);
}
