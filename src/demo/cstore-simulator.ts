import type { SimulatorAt } from './cstore-sales-week.ts';
import { startRjrSimulator } from '../simulators/rjr/simulator.ts';

/** The demo simulator's day 0; its day then follows the calendar, so restarts see day-to-day changes. */
const DEMO_SIM_EPOCH = '2026-01-01';

/** The demo simulator's day on the date of `at` (0 before its epoch). */
export const demoSimulatorDay = (at: Date): number => Math.max(0, Math.floor((at.getTime() - Date.parse(`${DEMO_SIM_EPOCH}T00:00:00Z`)) / 86_400_000));

/** The settings `serve --demo` runs its RJR simulator with, on the day of `at`. */
export const demoSimulatorOptions = (at: Date) => ({
  seed: 'tillpoint-demo',
  outlets: 50,
  promotionsPerOutlet: 40,
  baseDate: DEMO_SIM_EPOCH,
  day: demoSimulatorDay(at),
});

/** A demo simulator as it was on the day of `at`, on a free port: the feed of a past day for the demo week of sales. */
export const demoSimulatorAt: SimulatorAt = (at) => startRjrSimulator({ ...demoSimulatorOptions(at), port: 0 });
