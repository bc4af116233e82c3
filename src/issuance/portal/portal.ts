/**
 * What the portal's route groups share (built once by portal-routes.ts): the issuing
 * service's context, the portal's store, the import previews, the keys and limits, and the
 * few helpers every page uses; and what a request carries through the portal's hooks.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../errors.js';
import type { IssuanceContext } from '../context.js';
import type { ImportPreviews } from './import-previews.js';
import type { View } from './layout.js';
import type { PortalStore, SessionLimits } from './portal-store.js';
import type { Lang } from './texts.js';

declare module 'fastify' {
  interface FastifyRequest {
    portal?: PortalRequest;
  }
  interface FastifyContextConfig {
    /** A portal route without a session: the login page, the assets. */
    portalPublic?: boolean;
  }
}

export interface PortalRequest {
  lang: Lang;
  session?: { id: string; hash: Buffer; operator: { id: string; name: string } };
}

export interface PortalOptions extends IssuanceContext {
  portalStore: PortalStore;
}

/** What the portal's route groups share. */
export interface Portal {
  ctx: IssuanceContext;
  store: PortalStore;
  previews: ImportPreviews;
  /** The key of its CSRF tokens and client-address HMACs. */
  key: Buffer;
  /** Cookies carry `Secure`: the service's public address is https. */
  secure: boolean;
  limits: SessionLimits;
  /** `path`: the page's place in the navigation, when it is not the request's path (a form posted back). */
  view(request: FastifyRequest, o?: { switchHref?: string | null; path?: string }): View;
  /** The operator's name (the audit's actor) on a route that needs a session. */
  operator(request: FastifyRequest): string;
  sendPage(reply: FastifyReply, status: number, page: string): FastifyReply;
  refuse(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, message: string): FastifyReply;
}

export const sessionHash = (id: string) => createHash('sha256').update(id).digest();

/** Whether the client is a browser that takes a page (else it gets `{"error", "message"}`). */
export const wantsHtml = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');
