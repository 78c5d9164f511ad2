/** What `GET /api/v1/session` says about the signed-in viewer and the desk (src/http/routes/session.ts). */
export interface Session {
  unitId: string;
  viewer: { kind: 'local' | 'token' | 'anonymous'; name?: string; role?: 'it' | 'reception' | 'installer' | 'wallboard' };
  may: { drivePanel: boolean; writeRecords: boolean; controlCalls: boolean; readCalls: boolean; readReports: boolean; exportCalls: boolean; readConfig: boolean; readDirectory: boolean; showNumber: boolean; runDesk: boolean; auditDesk: boolean; playRecordings?: boolean };
  panelKind: string;
  timeZone: string | null;
  categories: string[];
  quietHours: { from: string; to: string }[];
  offWeekdays: number[];
  rules: { ringBudget: number; ringCycleMs: number; holdCheckInMs: number; holdLimitMs: number; lengthWarnMs: number; lengthLimitMs: number } | null;
}

export type ViewName = 'desk' | 'today' | 'callbacks' | 'messages' | 'directory' | 'contacts' | 'history' | 'reports' | 'status' | 'changes' | 'config';

/**
 * The views a viewer sees, in tab order: reception the desk and the call history, IT reports, history and status,
 * the installer status and the config editor, the wallboard the desk alone (panel and call state: no names,
 * numbers or records). Issue 20 item 5: reception runs today's desk (mode, holidays); IT and the installer list its
 * changes and undo them.
 */
export function viewsFor(session: Session): ViewName[] {
  const role = session.viewer.role;
  if (session.viewer.kind === 'local') return ['desk', 'today', 'callbacks', 'messages', 'directory', 'contacts', 'history', 'reports', 'status', 'changes', 'config'];
  if (role === 'reception') return ['desk', 'today', 'callbacks', 'messages', 'directory', 'contacts', 'history'];
  if (role === 'it') return ['reports', 'history', 'contacts', 'status', 'changes'];
  if (role === 'wallboard') return ['desk'];
  return ['status', 'changes', 'config'];
}
