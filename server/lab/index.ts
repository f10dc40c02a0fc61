/** The network lab: faults and frame options scoped to one client id (protocol/lab.ts is the contract). */
export {
  DelayLine,
  delayOnce,
  type PathDelay,
  sampleDelayMs,
  toClientDelay,
  toServerDelay,
} from './delay-line.ts';
export { labHttpFaults } from './http-faults.ts';
export { Lab, type LabFault, type LabFaultKind } from './lab.ts';
export { createLabRoutes, LAB_MAX_BODY_BYTES, type LabDeps } from './routes.ts';
export { ClientSockets } from './sockets.ts';
export { LabStore } from './store.ts';
