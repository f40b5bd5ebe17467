import type { DataOf, EventDefinition } from './definition.ts';
import {
  buildEnvelope,
  envelopeSchema,
  type DomainEventShape,
  type EnvelopeMetadata,
  type EventEnvelope,
} from './envelope.ts';
import { InvalidEventError, describeIssues, issuesFromZod } from './invalid-event-error.ts';
import { createUpcasterRegistry, type Upcaster } from './upcasters.ts';

/** Latest definition per event type, keyed by type name. */
export type LatestDefinitions = Record<string, EventDefinition>;

export type EventTypeOf<L extends LatestDefinitions> = keyof L & string;

/** `{ type, data }` of the latest version; a union when K is a union. */
export type DomainEventOf<L extends LatestDefinitions, K extends EventTypeOf<L> = EventTypeOf<L>> = {
  [P in K]: DomainEventShape<P, DataOf<L[P]>>;
}[K];

/** A parsed envelope of the latest version; a union (discriminated on `type`) when K is a union. */
export type EnvelopeOf<L extends LatestDefinitions, K extends EventTypeOf<L> = EventTypeOf<L>> = {
  [P in K]: EventEnvelope<P, DataOf<L[P]>>;
}[K];

export type SafeParseEventResult<E> = { ok: true; envelope: E } | { ok: false; error: InvalidEventError };

export interface EventCatalogue<L extends LatestDefinitions> {
  readonly types: readonly EventTypeOf<L>[];
  isKnownType(type: string): type is EventTypeOf<L>;
  /** The definition of one (type, version), current or superseded. */
  definition(type: string, version: number): EventDefinition | undefined;
  latest<K extends EventTypeOf<L>>(type: K): L[K];
  latestVersion(type: string): number | undefined;
  /** Validates an envelope and upcasts it to the latest version. Throws InvalidEventError. */
  parse(raw: unknown): EnvelopeOf<L>;
  safeParse(raw: unknown): SafeParseEventResult<EnvelopeOf<L>>;
  /** `parse` for a Kafka message value or a stored JSON string. */
  parseJson(value: string | Uint8Array): EnvelopeOf<L>;
  /** Envelope at the latest version, validated entirely (data and metadata) before it is stored. */
  createEnvelope<K extends EventTypeOf<L>>(
    event: DomainEventOf<L, K>,
    metadata: EnvelopeMetadata,
  ): EnvelopeOf<L, K>;
}

export interface EventCatalogueConfig<L extends LatestDefinitions> {
  latest: L;
  superseded?: readonly EventDefinition[];
  upcasters?: readonly Upcaster[];
}

/** Builds a catalogue and checks it is coherent; throws at load time rather than at read time. */
export function createEventCatalogue<L extends LatestDefinitions>(config: EventCatalogueConfig<L>): EventCatalogue<L> {
  const latestByType = new Map<string, EventDefinition>();
  const all = new Map<string, EventDefinition>();
  for (const [type, definition] of Object.entries(config.latest)) {
    if (definition.type !== type) throw new Error(`catalogue key ${type} holds ${definition.type}`);
    latestByType.set(type, definition);
    all.set(key(type, definition.version), definition);
  }
  for (const definition of config.superseded ?? []) {
    const latest = latestByType.get(definition.type);
    if (!latest) throw new Error(`superseded ${definition.type} v${definition.version} has no current version`);
    if (definition.version >= latest.version) {
      throw new Error(`superseded ${definition.type} v${definition.version} is not older than v${latest.version}`);
    }
    if (all.has(key(definition.type, definition.version))) {
      throw new Error(`${definition.type} v${definition.version} is defined twice`);
    }
    all.set(key(definition.type, definition.version), definition);
  }
  const registry = createUpcasterRegistry(config.upcasters ?? []);
  for (const definition of all.values()) {
    const latest = latestByType.get(definition.type)!;
    for (let version = definition.version; version < latest.version; version += 1) {
      const step = registry.find(definition.type, version);
      if (!step || !all.has(key(definition.type, version + 1))) {
        throw new Error(`${definition.type} v${definition.version} cannot be upcast: no step from v${version}`);
      }
    }
  }

  function latestVersion(type: string): number | undefined {
    return latestByType.get(type)?.version;
  }

  function parse(raw: unknown): EnvelopeOf<L> {
    const envelope = envelopeSchema.safeParse(raw);
    if (!envelope.success) {
      const issues = issuesFromZod(envelope.error);
      throw new InvalidEventError('malformed-envelope', `malformed event envelope: ${describeIssues(issues)}`, {
        issues,
        ...readableIdentity(raw),
      });
    }
    const { type, version, id } = envelope.data;
    const identity = { eventId: id, eventType: type, eventVersion: version };
    const latest = latestByType.get(type);
    if (!latest) throw new InvalidEventError('unknown-type', `unknown event type ${type}`, identity);
    const definition = all.get(key(type, version));
    if (!definition) {
      const hint = version > latest.version ? ' (newer than this reader; deploy the new contracts first)' : '';
      throw new InvalidEventError('unknown-version', `unknown version ${type} v${version}${hint}`, identity);
    }
    const data = definition.schema.safeParse(envelope.data.data);
    if (!data.success) {
      const issues = issuesFromZod(data.error, ['data']);
      throw new InvalidEventError('invalid-data', `invalid ${type} v${version}: ${describeIssues(issues)}`, {
        ...identity,
        issues,
      });
    }
    const current: EventEnvelope = { ...envelope.data, data: data.data };
    return registry.upcastTo(current, latest.version) as EnvelopeOf<L>;
  }

  function safeParse(raw: unknown): SafeParseEventResult<EnvelopeOf<L>> {
    try {
      return { ok: true, envelope: parse(raw) };
    } catch (error) {
      if (error instanceof InvalidEventError) return { ok: false, error };
      throw error;
    }
  }

  function parseJson(value: string | Uint8Array): EnvelopeOf<L> {
    let raw: unknown;
    try {
      const text = typeof value === 'string' ? value : new TextDecoder('utf-8', { fatal: true }).decode(value);
      raw = JSON.parse(text);
    } catch (cause) {
      throw new InvalidEventError('malformed-json', 'event is not valid UTF-8 JSON', { cause });
    }
    return parse(raw);
  }

  function createEnvelope<K extends EventTypeOf<L>>(
    event: DomainEventOf<L, K>,
    metadata: EnvelopeMetadata,
  ): EnvelopeOf<L, K> {
    const { type } = event as DomainEventShape;
    const latest = latestByType.get(type);
    if (!latest) throw new InvalidEventError('unknown-type', `unknown event type ${type}`, { eventType: type });
    const identity = { eventId: metadata.id, eventType: type, eventVersion: latest.version };
    const data = latest.schema.safeParse((event as DomainEventShape).data);
    if (!data.success) {
      const issues = issuesFromZod(data.error, ['data']);
      throw new InvalidEventError('invalid-data', `invalid ${type}: ${describeIssues(issues)}`, {
        ...identity,
        issues,
      });
    }
    const envelope = buildEnvelope({ type, version: latest.version, data: data.data }, metadata);
    const checked = envelopeSchema.safeParse(envelope);
    if (!checked.success) {
      const issues = issuesFromZod(checked.error);
      throw new InvalidEventError('malformed-envelope', `invalid envelope metadata: ${describeIssues(issues)}`, {
        ...identity,
        issues,
      });
    }
    return envelope as EnvelopeOf<L, K>;
  }

  return {
    types: [...latestByType.keys()] as EventTypeOf<L>[],
    isKnownType: (type: string): type is EventTypeOf<L> => latestByType.has(type),
    definition: (type, version) => all.get(key(type, version)),
    latest: <K extends EventTypeOf<L>>(type: K) => config.latest[type],
    latestVersion,
    parse,
    safeParse,
    parseJson,
    createEnvelope,
  };
}

function key(type: string, version: number): string {
  return `${type}@${version}`;
}

/** Best effort: pull id/type/version out of a malformed message so the DLQ entry says what it was. */
function readableIdentity(raw: unknown): { eventId?: string; eventType?: string; eventVersion?: number } {
  if (typeof raw !== 'object' || raw === null) return {};
  const { id, type, version } = raw as Record<string, unknown>;
  return {
    ...(typeof id === 'string' ? { eventId: id } : {}),
    ...(typeof type === 'string' ? { eventType: type } : {}),
    ...(typeof version === 'number' ? { eventVersion: version } : {}),
  };
}
