import {
  ConnectorError,
  type FetchPromotionsOptions,
  type FetchPromotionsResult,
  type ManufacturerConnector,
  type ManufacturerEnrollment,
} from '../../../app/ports/manufacturer-connector.ts';
import { RjrClient, type RjrClientConfig, type RjrCredentials } from './rjr.client.ts';

/** Tillpoint's own RJR provider credentials, used for stores enrolled as single store. */
export interface RjrProviderCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * The RJR Discount API behind the ManufacturerConnector port: turns an enrollment into the
 * credentials the API wants and delegates to one shared RjrClient (one token cache per process).
 * @example
 * const rjr = createRjrConnector({ baseUrl: sim.url, provider: SIM_PROVIDER_CLIENT });
 * const { promotions } = await rjr.fetchPromotions({ mode: 'single_store', outletId: '7000001' }, '7000001', '2026-12-01');
 */
export class RjrConnector implements ManufacturerConnector {
  readonly manufacturer = 'rjr' as const;

  constructor(
    readonly client: RjrClient,
    private readonly provider: RjrProviderCredentials | null,
  ) {}

  fetchPromotions(enrollment: ManufacturerEnrollment, outletId: string, asOf: string, opts?: FetchPromotionsOptions): Promise<FetchPromotionsResult> {
    let credentials: RjrCredentials;
    if (enrollment.mode === 'chain') {
      const { accountNumber, clientId, clientSecret } = enrollment;
      credentials = { kind: 'chain', accountNumber, clientId, clientSecret };
    } else {
      if (!this.provider) {
        return Promise.reject(
          new ConnectorError('invalid_request', 'rjr', 'single-store enrollments need Tillpoint’s RJR provider credentials, and none are configured'),
        );
      }
      credentials = { kind: 'single_store', outletId: enrollment.outletId, ...this.provider };
    }
    return this.client.fetchPromotions(credentials, outletId, asOf, opts);
  }
}

export function createRjrConnector(config: RjrClientConfig & { provider?: RjrProviderCredentials | null }): RjrConnector {
  const { provider = null, ...clientConfig } = config;
  return new RjrConnector(new RjrClient(clientConfig), provider);
}
