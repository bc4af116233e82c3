/**
 * The status lists this service publishes for verifiers (SPEC 5) at `GET /status/{name}`:
 * signed when first asked for after a change, then the same token (and ETag) until the
 * next change or until it is `ttl` old, so a fetch costs no signature and a verifier that
 * refreshes after `ttl` gets a fresh `iat`. A token's `iat` is never earlier than the one
 * signed before it, also across restarts and clock steps (verifiers refuse rollback).
 */
import { createHash } from 'node:crypto';
import type { IssuerKey } from '../issuer/keys.js';
import { signStatusList } from '../issuer/status-list.js';
import type { IssuanceStore } from './store.js';

export interface PublishedList {
  token: string;
  /** A strong ETag (quoted). */
  etag: string;
  iat: number;
  version: number;
}

export interface StatusPublisherOptions {
  store: IssuanceStore;
  issuer: IssuerKey;
  issuerUrl: string;
  ttlSeconds: number;
  /** Milliseconds since the epoch. */
  clock: () => number;
}

export function statusListUri(issuerUrl: string, name: string): string {
  return `${issuerUrl}/status/${name}`;
}

export class StatusPublisher {
  readonly #o: StatusPublisherOptions;
  readonly #published = new Map<string, PublishedList>();
  /** One signing at a time per list: concurrent fetches after a change share it. */
  readonly #signing = new Map<string, Promise<PublishedList | undefined>>();

  constructor(o: StatusPublisherOptions) {
    this.#o = o;
  }

  /** The current token of list `name`, or undefined when there is no such list. */
  async current(name: string): Promise<PublishedList | undefined> {
    const version = await this.#o.store.statusListVersion(name);
    if (version === undefined) return undefined;
    const cached = this.#published.get(name);
    const now = Math.floor(this.#o.clock() / 1000);
    if (cached !== undefined && cached.version === version && now - cached.iat < this.#o.ttlSeconds) return cached;
    let signing = this.#signing.get(name);
    if (signing === undefined) {
      signing = this.#sign(name).finally(() => this.#signing.delete(name));
      this.#signing.set(name, signing);
    }
    return signing;
  }

  async #sign(name: string): Promise<PublishedList | undefined> {
    const list = await this.#o.store.statusList(name);
    if (list === undefined) return undefined;
    const statuses = new Uint8Array(list.size);
    for (const [idx, value] of list.entries) statuses[idx] = value;
    const previous = Math.max(list.lastIat ?? 0, this.#published.get(name)?.iat ?? 0);
    const iat = Math.max(Math.floor(this.#o.clock() / 1000), previous);
    const token = signStatusList(this.#o.issuer, { uri: statusListUri(this.#o.issuerUrl, name), bits: list.bits, statuses, iat, ttl: this.#o.ttlSeconds });
    await this.#o.store.recordSignedIat(name, iat);
    const published = { token, etag: `"${createHash('sha256').update(token).digest('base64url').slice(0, 32)}"`, iat, version: list.version };
    this.#published.set(name, published);
    return published;
  }
}

/** Whether an If-None-Match header names `etag` (a list of tags, `*`, weak tags compared weakly). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
