/** A Meta app as far as webhook intake cares: who signs and who may verify the subscription. */
export interface MetaAppCredentials {
  appId: string;
  appSecret: string;
  verifyToken: string;
}

/**
 * Where ingress learns Meta apps. The env app (`META_APP_*`) is the local default; the
 * gateway's registry (`wa.app.changed.v1`) adds the apps businesses register.
 */
export interface AppRegistry {
  find(appId: string): MetaAppCredentials | undefined;
}

export const APP_REGISTRY = Symbol('APP_REGISTRY');

/** Apps from env first, then the ones published by the gateway (latest state per app id). */
export class LayeredAppRegistry implements AppRegistry {
  private readonly published = new Map<string, MetaAppCredentials>();

  constructor(private readonly envApp: MetaAppCredentials) {}

  find(appId: string): MetaAppCredentials | undefined {
    if (appId === this.envApp.appId) return this.envApp;
    return this.published.get(appId);
  }

  upsert(app: MetaAppCredentials): void {
    this.published.set(app.appId, app);
  }

  remove(appId: string): void {
    this.published.delete(appId);
  }

  get size(): number {
    return this.published.size + 1;
  }
}
