import { z } from 'zod';

/**
 * Who issued a command. The gateway verifies the caller's JWT and forwards only these verified
 * claims to subgraphs in one header, so subgraphs never parse tokens themselves. Subgraphs must
 * therefore only be reachable from the gateway (a private network in production).
 */
export const ACTOR_HEADER = 'x-tributary-actor';

export const actorRoleSchema = z.enum(['customer', 'admin', 'system']);
export type ActorRole = z.infer<typeof actorRoleSchema>;

export const actorSchema = z.object({
  /** The customer the caller acts as (`sub` of the JWT); services use `system`. */
  customerId: z.string().min(1).max(128),
  role: actorRoleSchema,
});
export type Actor = z.infer<typeof actorSchema>;

export function encodeActorHeader(actor: Actor): string {
  return JSON.stringify(actorSchema.parse(actor));
}

/** Returns the actor carried by the header, or undefined when absent or not well formed. */
export function decodeActorHeader(value: string | string[] | undefined | null): Actor | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  try {
    const parsed = actorSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
