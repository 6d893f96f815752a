import type { CallOptions, DownloadResult, FileInput, Item, ListResult, Result } from './base'
import type { ClientOptions as CatalogueClientOptions, EasemobEvent, EasemobOperations, RongCloudEvent, RongCloudOperations } from './generated'
import * as errors from './errors'

export * from './base'
export * from './errors'
export * from './generated'
export { errors }

/** Settings every client takes: the catalogue's client options (generated), and the hosts. */
export interface ClientOptions extends CatalogueClientOptions {
  /** Base URLs, primary first (instead of `region`). */
  hosts?: string[]
}

export interface RongCloudSettings extends ClientOptions {
  appKey: string
  appSecret: string
  /** beijing, singapore, singapore_b, north_america or saudi_arabia (instead of `hosts`). */
  region?: string
}

export interface EasemobSettings extends ClientOptions {
  /** `org_name#app_name`. */
  appKey: string
  clientId?: string
  clientSecret?: string
  agoraAppId?: string
  agoraAppCertificate?: string
  /** china1, china2, singapore1, singapore2, us_east1 or germany2 (instead of `hosts`). */
  region?: string
  /** Lifetime asked for app tokens, seconds. */
  tokenTtl?: number
}

export interface AgoraChatSettings extends ClientOptions {
  appKey: string
  appId: string
  appCertificate: string
  region?: string
  tokenTtl?: number
}

/** RongCloud Server API client. Every catalogue operation is a method returning a Promise. */
export declare class RongCloud extends RongCloudOperations {
  constructor(settings: RongCloudSettings)
  /** Check a server callback's signature (query or headers) in constant time, within `window` seconds;
   *  with `rejectReplays`, a callback already accepted within the window is refused as a replay. */
  verifyCallback(callback: {
    query?: Record<string, string>
    headers?: Record<string, string>
    window?: number
    rejectReplays?: boolean
  }): void
  /** Read a server callback's body into typed events (one per item of a JSON array).
   *  Throws InvalidArgumentError for a body of no declared kind. */
  parseCallback(body: string | Uint8Array, contentType?: string | null): RongCloudEvent[]
}

/** Easemob / Agora Chat REST client. */
export declare class Easemob extends EasemobOperations {
  constructor(settings: EasemobSettings)
  appToken(): Promise<string>
  readonly tokenFetches: number
  chatUserToken(userUuid: string, ttl?: number): string
  /** Read a server callback's JSON body into its typed event (a list of one).
   *  Throws InvalidArgumentError for a body of no declared kind. */
  parseCallback(body: string | Uint8Array, contentType?: string | null): EasemobEvent[]
  /** Check `security` = md5(callId + secret + timestamp) within `window` seconds (default 300);
   *  `secret` is the callback rule's secret. Throws AuthenticationError if it does not verify. */
  verifyCallback(body: string | Uint8Array, secret: string, window?: number): void
}

/** Agora Chat: an Easemob client authenticated with the App ID and App Certificate. */
export declare class AgoraChat extends Easemob {
  constructor(settings: AgoraChatSettings)
}

/** The endpoint catalogue of `"rongcloud"` or `"easemob"`. */
export declare function catalogue(cloud: 'rongcloud' | 'easemob'): { cloud: string; doc: string; operations: any[]; callbacks: any[] }
/** `hex(sha1(appSecret + nonce + timestamp))`. */
export declare function rongcloudSignature(appSecret: string, nonce: string, timestamp: string): string
export type { CallOptions, DownloadResult, FileInput, Item, ListResult, Result }
