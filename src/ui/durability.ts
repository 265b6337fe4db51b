/**
 * The durability indicator's state, folded from persistence events. Pure: the component only renders
 * `describeDurability`.
 */
import type { PersistenceErrorCode, PersistenceEvent } from '../shared/persistence-api.ts';
import { formatAge } from './format.ts';

export interface DurabilityState {
  lastFlushAt: number | null;
  /** Active problems by code (several can be true at once, e.g. corrupt WAL skipped + quota). */
  errors: Partial<Record<PersistenceErrorCode, string>>;
}

export const INITIAL_DURABILITY: DurabilityState = { lastFlushAt: null, errors: {} };

export function applyPersistenceEvent(state: DurabilityState, event: PersistenceEvent): DurabilityState {
  switch (event.type) {
    case 'flushed':
      return { ...state, lastFlushAt: event.at };
    case 'error':
      return { ...state, errors: { ...state.errors, [event.error.code]: event.error.message } };
    case 'error-cleared': {
      if (!(event.code in state.errors)) return state;
      const errors = { ...state.errors };
      delete errors[event.code];
      return { ...state, errors };
    }
    default:
      return state;
  }
}

export interface DurabilityView {
  tone: 'ok' | 'warning' | 'error' | 'idle';
  text: string;
}

/** The one line the indicator shows. Errors outrank the "saved" age; quota is the most urgent. */
export function describeDurability(state: DurabilityState, now: number, pending: number): DurabilityView {
  const e = state.errors;
  if (e['quota-exceeded'] !== undefined) {
    return {
      tone: 'error',
      text: `Storage is full — ${pending} result${pending === 1 ? '' : 's'} kept in memory, not saved yet`,
    };
  }
  if (e['opfs-unavailable'] !== undefined) {
    return {
      tone: 'error',
      text: `Storage unavailable — ${e['opfs-unavailable']} Text is kept in memory only; export it before closing.`,
    };
  }
  if (e['file-locked'] !== undefined) {
    return { tone: 'error', text: `Storage file locked by another tab — ${e['file-locked']}` };
  }
  if (e.internal !== undefined) return { tone: 'error', text: `Saving failed — ${e.internal}` };
  const corrupt = e['corrupt-wal'];
  if (pending > 0 && state.lastFlushAt === null) {
    return { tone: 'warning', text: `Saving… ${pending} result${pending === 1 ? '' : 's'} pending` };
  }
  if (state.lastFlushAt === null) {
    return corrupt !== undefined
      ? { tone: 'warning', text: `Damaged log data skipped — ${corrupt}` }
      : { tone: 'idle', text: 'Nothing to save yet' };
  }
  const saved = `Saved · ${formatAge(now - state.lastFlushAt)}`;
  return corrupt !== undefined
    ? { tone: 'warning', text: `${saved} · damaged log data skipped` }
    : { tone: 'ok', text: saved };
}
