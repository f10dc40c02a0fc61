import { memo } from 'react';
import type { Layer } from '../../../protocol/wire/layers.ts';
import {
  bitRangeText,
  byteCount,
  byteRangeText,
  type FieldKey,
  fieldKey,
  formatFieldValue,
} from './field-format.ts';
import { LAYER_TINTS } from './HexGrid.tsx';

interface FieldListProps {
  layers: readonly Layer[];
  activeField: FieldKey | null;
  pinnedField: FieldKey | null;
  onPointField(key: FieldKey | null): void;
  onPinField(key: FieldKey): void;
}

/**
 * Every layer and field the decoder named, with value, meaning, byte range and bit range. Each field is a
 * button: pointing or focusing lights its bytes and bits, pressing pins it.
 */
export const FieldList = memo(function FieldList({
  layers,
  activeField,
  pinnedField,
  onPointField,
  onPinField,
}: FieldListProps) {
  return (
    <div className="field-list">
      {layers.map((layer, layerIndex) => (
        <section
          // biome-ignore lint/suspicious/noArrayIndexKey: layers are fixed for one event, their order is their identity
          key={layerIndex}
          className="field-layer"
          data-tint={layerIndex % LAYER_TINTS}
          aria-label={layer.name}
        >
          <h4>
            <span className="layer-swatch" aria-hidden="true" />
            {layer.name}
            <span className="layer-range">
              {byteRangeText(layer)} · {byteCount(layer.byteLength)}
            </span>
          </h4>
          <ul>
            {layer.fields.map((field, fieldIndex) => {
              const key = fieldKey(layerIndex, fieldIndex);
              const bits = bitRangeText(field);
              return (
                <li
                  // biome-ignore lint/suspicious/noArrayIndexKey: fields are fixed for one event
                  key={fieldIndex}
                  data-field-name={field.name}
                  data-active={key === activeField ? 'true' : undefined}
                >
                  <button
                    type="button"
                    className="field-button"
                    aria-pressed={key === pinnedField}
                    onPointerEnter={() => onPointField(key)}
                    onPointerLeave={() => onPointField(null)}
                    onFocus={() => onPointField(key)}
                    onBlur={() => onPointField(null)}
                    onClick={() => onPinField(key)}
                  >
                    <span className="field-name">{field.name}</span>
                    <span className="field-value">{formatFieldValue(field)}</span>
                    <span className="field-range">{bits ?? byteRangeText(field)}</span>
                    <span className="field-meaning">{field.meaning}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </div>
  );
});
