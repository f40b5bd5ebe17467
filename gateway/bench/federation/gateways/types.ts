/** The gateways this benchmark compares, in the order they run. */
export const GATEWAY_KINDS = ['tributary', 'apollo', 'hive', 'hive-router'] as const;
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

export const GATEWAY_LABELS: Record<GatewayKind, string> = {
  tributary: 'Tributary gateway',
  apollo: '@apollo/gateway',
  hive: 'Hive Gateway',
  'hive-router': 'Hive Gateway + router-runtime',
};

/** What the gateway child process receives (one JSON argument). */
export interface GatewayProcessArgs {
  kind: GatewayKind;
  supergraphSdl: string;
  /** Tributary only: PKCS#8 PEM the gateway signs subgraph requests with. */
  signingKeyPem: string;
  /** Tributary only: HS256 secret the gateway verifies client tokens with. */
  jwtSecret: string;
  /** Hive only: deduplicate identical in-flight client requests (the public benchmark turns it on). */
  inboundDedup: boolean;
}

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}
