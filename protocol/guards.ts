/**
 * Type guards for the hand-written readers beside the schemas (`readPlainSendFrame`, `isLayers`): what zod
 * means by a number (finite) and by an object (not null, not an array), without zod's allocations.
 */

/** A number zod's `z.number()` accepts: finite, so never NaN or ±Infinity. */
export const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** A value zod's `z.object()` reads keys from. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
