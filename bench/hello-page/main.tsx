/**
 * The bundle-size reference for bench/page-frames.ts: React, react-dom and the same d3 exports the app
 * imports (client/visualizations), rendering one element. Each import is used, so none is tree-shaken away.
 */
import { bin, quantileSorted } from 'd3-array';
import { scaleLinear, scalePoint, scaleSymlog } from 'd3-scale';
import { select } from 'd3-selection';
import { zoom, zoomIdentity } from 'd3-zoom';
import { StrictMode, useEffect, useRef } from 'react';
import { createRoot } from 'react-dom/client';

const values = [1, 2, 3, 5, 8, 13];
const x = scaleLinear().domain([0, 13]).range([0, 200]);
const y = scaleSymlog().domain([0, 13]).range([0, 100]);
const lanes = scalePoint().domain(['browser', 'server']).range([0, 200]);
const median = quantileSorted(values, 0.5) ?? 0;
const bins = bin()(values);

function Hello() {
  const svg = useRef<SVGSVGElement>(null);
  useEffect(() => {
    if (!svg.current) return;
    const selection = select(svg.current);
    const behaviour = zoom<SVGSVGElement, unknown>().on('zoom', (event) => {
      selection.attr('data-k', event.transform.k);
    });
    selection.call(behaviour).call(behaviour.transform, zoomIdentity);
    return () => {
      selection.on('.zoom', null);
    };
  }, []);
  return (
    <svg ref={svg} width={200} height={100} role="img" aria-label="hello">
      <text x={x(median)} y={y(bins.length)} data-lane={lanes('server')}>
        hello
      </text>
    </svg>
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html must contain <div id="root">');
createRoot(container).render(
  <StrictMode>
    <Hello />
  </StrictMode>,
);
