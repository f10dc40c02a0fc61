import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { isLayers, LayerSchema } from './inspect.ts';

const schema = z.array(LayerSchema);

/** Numbers zod takes and numbers it refuses. */
const nearNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0),
  fc.string(),
  fc.constant(undefined),
);

/** Fields near the schema's: each key right, wrong or missing. */
const nearField = fc.record(
  {
    name: fc.oneof(fc.string(), fc.integer()),
    byteOffset: nearNumber,
    byteLength: nearNumber,
    bitOffset: nearNumber,
    bitLength: nearNumber,
    value: fc.oneof(fc.string(), nearNumber, fc.boolean(), fc.constant(null), fc.array(fc.integer())),
    meaning: fc.oneof(fc.string(), fc.constant(null)),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

const nearLayer = fc.record(
  {
    name: fc.oneof(fc.string(), fc.constant(null)),
    byteOffset: nearNumber,
    byteLength: nearNumber,
    fields: fc.oneof(fc.array(nearField, { maxLength: 4 }), fc.anything()),
  },
  { requiredKeys: [] },
);

/** Layers that are right: what the server writes. */
const field = fc.record(
  {
    name: fc.string(),
    byteOffset: fc.nat(),
    byteLength: fc.nat(),
    bitOffset: fc.nat({ max: 7 }),
    bitLength: fc.nat({ max: 64 }),
    value: fc.oneof(fc.string(), fc.integer(), fc.boolean()),
    meaning: fc.string(),
  },
  { requiredKeys: ['name', 'byteOffset', 'byteLength', 'value', 'meaning'] },
);
function layerShape() {
  return { name: fc.string(), byteOffset: fc.nat(), byteLength: fc.nat() };
}
const layer = fc.record({ ...layerShape(), fields: fc.array(field, { maxLength: 12 }) });

const LAYER_KEYS = ['name', 'byteOffset', 'byteLength', 'fields'] as const;
const FIELD_KEYS = [
  'name',
  'byteOffset',
  'byteLength',
  'bitOffset',
  'bitLength',
  'value',
  'meaning',
] as const;
const wrongValue = fc.oneof(
  nearNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant(Symbol.for('missing')),
  fc.anything(),
);

/** Right layers with exactly one key of one layer or one field changed (or removed): the hard cases. */
const oneChanged = fc
  .record({
    layers: fc.array(
      fc.record({ ...layerShape(), fields: fc.array(field, { minLength: 1, maxLength: 4 }) }),
      { minLength: 1, maxLength: 3 },
    ),
    layerAt: fc.nat(),
    fieldAt: fc.option(fc.nat(), { nil: null }),
    layerKey: fc.constantFrom(...LAYER_KEYS),
    fieldKey: fc.constantFrom(...FIELD_KEYS),
    to: wrongValue,
  })
  .map(({ layers, layerAt, fieldAt, layerKey, fieldKey, to }) => {
    const copy = structuredClone(layers) as Array<Record<string, unknown>>;
    const target = copy[layerAt % copy.length] ?? {};
    const fields = target.fields as Array<Record<string, unknown>>;
    const [holder, key] =
      fieldAt === null ? [target, layerKey] : [fields[fieldAt % fields.length] ?? {}, fieldKey];
    if (to === Symbol.for('missing')) delete holder[key];
    else holder[key] = to;
    return copy;
  });

describe('isLayers', () => {
  it('accepts exactly what z.array(LayerSchema) accepts', () => {
    fc.assert(
      fc.property(
        fc.oneof(oneChanged, fc.array(nearLayer, { maxLength: 3 }), fc.array(layer), fc.anything()),
        (value) => {
          expect(isLayers(value)).toBe(schema.safeParse(value).success);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('accepts every list of layers the server can write', () => {
    fc.assert(
      fc.property(fc.array(layer, { maxLength: 4 }), (layers) => {
        expect(schema.safeParse(layers).success).toBe(true);
        expect(isLayers(layers)).toBe(true);
      }),
    );
  });
});
