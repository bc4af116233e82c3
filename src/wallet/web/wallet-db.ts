/**
 * What the phone keeps, in this browser's IndexedDB (origin-bound, never sent anywhere):
 * the device key (a non-extractable CryptoKey: the structured clone keeps it so), the
 * credential, and the last status seen. Nothing else is stored; the language choice is in
 * localStorage.
 */
import { MlegError } from '../../errors.js';
import type { StatusSeen } from '../status-check.js';
import type { DeviceKey } from '../webcrypto-key.js';

export interface Held {
  device: DeviceKey;
  /** The MLEG1 credential (a JWT): shown, and presented when there is no compact form. */
  credential: string;
  /** The same credential's compact form (COSE_Sign1 bytes, base64url; SPEC 11), when the issuer gave it: presented as MLEG2. */
  compact?: string;
  configurationId: string;
  issuer: string;
  /** Milliseconds since the epoch. */
  activatedAt: number;
}

export interface Seen extends StatusSeen {
  /** When the list was read, milliseconds since the epoch. */
  checkedAt: number;
}

interface Records {
  held: Held;
  seen: Seen;
}

const NAME = 'mleg-wallet';
const STORE = 'wallet';

let opened: Promise<IDBDatabase> | undefined;

const unsupported = (why: string, cause?: unknown) => new MlegError('WALLET_UNSUPPORTED', `this browser cannot keep the wallet: ${why}`, cause === undefined ? {} : { cause });

function open(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') return reject(unsupported('no IndexedDB'));
    const request = indexedDB.open(NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(unsupported(`IndexedDB refused (${request.error?.name ?? 'unknown'})`, request.error));
    request.onblocked = () => reject(unsupported('IndexedDB is blocked by another tab'));
  });
  opened.catch(() => (opened = undefined));
  return opened;
}

function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  return open().then(
    (db) =>
      new Promise<T | undefined>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(request === undefined ? undefined : request.result);
        tx.onerror = () => reject(unsupported(`IndexedDB failed (${tx.error?.name ?? 'unknown'})`, tx.error));
        tx.onabort = () => reject(unsupported(`IndexedDB failed (${tx.error?.name ?? 'aborted'})`, tx.error));
      }),
  );
}

export function read<K extends keyof Records>(key: K): Promise<Records[K] | undefined> {
  return run<Records[K]>('readonly', (store) => store.get(key) as IDBRequest<Records[K]>);
}

export function write<K extends keyof Records>(key: K, value: Records[K]): Promise<unknown> {
  return run('readwrite', (store) => {
    store.put(value, key);
  });
}

/** A new credential and key, and the old status forgotten, in one transaction. */
export function replaceHeld(held: Held): Promise<unknown> {
  return run('readwrite', (store) => {
    store.put(held, 'held');
    store.delete('seen');
  });
}
