// One session as the page shows it beside the player: its row and the markers of its recording
// (decision, approval, exit), with their times so the page can seek to them.
import { readCast } from '../recording/cast-reader.ts';
import { rowOf, type SessionRow } from './session-model.ts';
import type { SessionCheck } from './verification.ts';

export interface Marker {
  time: number;
  label: string;
}

export interface SessionDetail {
  row: SessionRow;
  markers: Marker[];
}

export async function sessionDetail(check: SessionCheck): Promise<SessionDetail> {
  return { row: rowOf(check), markers: check.castPath ? await markersOf(check.castPath) : [] };
}

export async function markersOf(castPath: string): Promise<Marker[]> {
  try {
    const { events } = await readCast(castPath);
    return events.filter((e) => e[1] === 'm').map(([time, , label]) => ({ time, label }));
  } catch {
    // A cast that does not parse is reported by its verification status; no markers to show.
    return [];
  }
}

/** Newest first, sessions without a start time last. */
export function byStartDescending(a: SessionRow, b: SessionRow): number {
  return (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || a.session.localeCompare(b.session);
}
