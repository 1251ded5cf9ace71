// Session endpoints (API v1): the wrapper uploads its .cast and closes the session with a draft;
// the relay signs the manifest and logs `session.closed`; auditors list sessions (unclosed ones
// are what a wrapper may have skipped) and fetch the relay's copies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from '../../auth/identity.ts';
import { ManifestFormatError, ManifestVersionError, parseDraft, type ObservedEvidence, type SessionDraft } from '../../contract/manifest.ts';
import { samePerson } from './approvals.ts';
import { sha256Hex } from '../../contract/audit-chain.ts';
import { commitAtHead, type RelayCore } from './core.ts';
import { personOf } from './decide.ts';
import type { SessionCastEvent, SessionClosedEvent } from '../../contract/audit-events.ts';
import { ApiError, bodyGuard, MAX_BODY_BYTES, readJson, sendError, sendJson, type BodyPacing } from './http.ts';
import { createCastCheck, type CastFindings } from './upload-check.ts';
import { checkDraftAgainstSession } from './draft-check.ts';
import { oneOf, parseQuery, wholeNumber } from './query.ts';
import { uploadAllowance, uploadQuotaRefusal } from './quota-checks.ts';
import { utcDay } from './quotas.ts';
import { buildManifest } from './session-manifest.ts';
import { keepManifest, readManifest } from './store/manifest-blob.ts';
import type { BlobDigest as CastCopy } from './store/store.ts';
import { cappedBody, inspected, lingering, tooLarge, type CastInspector } from './upload-body.ts';
import type { Session } from './state.ts';
import { summarize } from './session-list.ts';
import { INLINE_CAST_MAX_BYTES, SESSION_STATES, type SessionStateFilter, type SignedManifest, type UploadAnswer } from '../../contract/relay-api.ts';

/** A close request: the draft, and room for an inline .cast in base64. */
const CLOSE_BODY_MAX_BYTES = MAX_BODY_BYTES + Math.ceil(INLINE_CAST_MAX_BYTES / 3) * 4;

type Route = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void>;
type Access = { authenticate(req: IncomingMessage): Promise<Identity>; isAuditor(identity: Identity): boolean; pacing: BodyPacing };

/** A recording kept by the relay, with what its own check found in it. */
type KeptCast = CastCopy & { findings: CastFindings };

export function sessionRoutes(core: RelayCore, access: Access): Array<[string, RegExp, Route]> {
  function sessionFor(id: string): Session {
    const session = core.state.sessions.get(id);
    if (!session) throw new ApiError(404, 'ERR_NO_SUCH_SESSION', `no session ${id} (sessions are created by an allow decision)`);
    return session;
  }

  function ownSession(identity: Identity, id: string): Session {
    const session = sessionFor(id);
    if (!samePerson(session.decision.requester, identity)) {
      throw new ApiError(403, 'ERR_NOT_YOUR_SESSION', `session ${id} was allowed for ${session.decision.requester.subject}, not ${identity.subject}`);
    }
    return session;
  }

  function readable(identity: Identity, id: string): Session {
    const session = sessionFor(id);
    if (!access.isAuditor(identity) && !samePerson(session.decision.requester, identity)) {
      throw new ApiError(403, 'ERR_NOT_AUDITOR', `${identity.subject} may not read session ${id} (its owner and auditors may)`);
    }
    return session;
  }

  /** The signed manifest of a closed session: the relay's file copy, else the log's (and the copy is rewritten). */
  async function closedManifest(closing: Session): Promise<SignedManifest> {
    // A close that is sealed but not yet on disk is in neither place yet: wait for it.
    await core.whenDurable(closing.closed?.seq ?? 0);
    const session = sessionFor(closing.sessionId);
    if (!session.closed) throw new ApiError(503, 'ERR_AUDIT_LOG_WRITE', `the close of session ${session.sessionId} could not be recorded; close it again`);
    const copy = await readManifest(core.store, session.sessionId);
    if (copy && sha256Hex(Buffer.from(copy.payload, 'base64url')) === session.closed?.manifestSha256) return copy;
    let manifest: SignedManifest | undefined;
    const seq = session.closed?.seq;
    for await (const entry of core.store.read(seq === undefined ? { toSeq: 0 } : { fromSeq: seq, toSeq: seq })) {
      if (entry.type === 'session.closed' && entry.sessionId === session.sessionId) manifest = entry.manifest;
    }
    if (!manifest) throw new ApiError(500, 'ERR_MANIFEST_LOST', `session ${session.sessionId} is closed but its manifest is in neither the log nor the relay's session copies`);
    await keepManifest(core.store, session.sessionId, manifest);
    return manifest;
  }

  /**
   * Keeps the session's .cast (one upload at a time), checked as it arrives: asciicast v2 for this
   * session and command, within the per-session cap and the identity's daily bytes, re-masked by
   * the relay. Logs session.cast, or why it was refused (upload.refused, quota.exceeded).
   */
  async function keepCast(identity: Identity, session: Session, receive: (inspect: CastInspector) => Promise<CastCopy>): Promise<KeptCast> {
    const id = session.sessionId;
    const by = personOf(identity);
    core.uploading.add(id);
    const check = createCastCheck({ sessionId: id, argv: session.decision.argv, mask: session.decision.mask, masking: core.policy.masking });
    const streaming = core.state.usage.streamingUpload(by);
    let bytes = 0;
    let findings: CastFindings | null = null;
    const inspect: CastInspector = {
      push(chunk) {
        bytes += chunk.length;
        streaming.add(chunk.length);
        if (core.state.usage.bytesOn(utcDay(core.now()), by) > core.limits.uploadBytesPerDay) throw new QuotaReached();
        check.push(chunk);
      },
      end() {
        findings = check.end();
      },
    };
    try {
      const copy = await receive(inspect);
      streaming.release();
      const found = findings!;
      const event: SessionCastEvent = { type: 'session.cast', sessionId: id, by, ...copy, events: found.events, counts: found.counts, unmasked: found.unmasked };
      await core.commit(event);
      return { ...copy, findings: found };
    } catch (error) {
      streaming.release();
      if (error instanceof QuotaReached) return await uploadQuotaRefusal(core, by, id, core.state.usage.bytesOn(utcDay(core.now()), by) + bytes);
      if (error instanceof ApiError && (error.code === 'ERR_CAST_INVALID' || error.code === 'ERR_CAST_TOO_LARGE')) {
        await core.commit({ type: 'upload.refused', sessionId: id, by, code: error.code, reason: error.message, bytes });
      }
      throw error;
    } finally {
      core.uploading.delete(id);
    }
  }

  const upload: Route = async (req, res, url, [id]) => {
    const refuse = (error: ApiError) => {
      req.resume();
      throw error;
    };
    try {
      parseQuery(url, {});
    } catch (error) {
      refuse(error as ApiError);
    }
    const identity = await access.authenticate(req);
    const session = ownSession(identity, id!);
    if (session.closed) refuse(new ApiError(409, 'ERR_SESSION_CLOSED', `session ${id} is already closed; its recording can no longer change`));
    if (core.uploading.has(id!)) refuse(new ApiError(409, 'ERR_UPLOAD_IN_PROGRESS', `another upload for session ${id} is in progress`));
    if (!session.decision.record) refuse(new ApiError(409, 'ERR_NOT_RECORDED', `the relay decided not to record session ${id}; it takes no recording of it`));
    if (session.upload) {
      // Write-once: the copy the relay checked and logged is the one it will sign for.
      await core.commit({ type: 'upload.refused', sessionId: id!, by: personOf(identity), code: 'ERR_CAST_EXISTS', reason: 'a second upload before close', bytes: 0 });
      refuse(new ApiError(409, 'ERR_CAST_EXISTS', `session ${id} already has a recording (sha256 ${session.upload.sha256}, ${session.upload.size} bytes); it cannot be replaced, only closed`));
    }
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/octet-stream\b/i.test(type)) refuse(new ApiError(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', `send the .cast as application/octet-stream (got ${JSON.stringify(type)})`));
    const cap = core.limits.maxCastBytes;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > cap) {
      const error = tooLarge(cap, req);
      await core.commit({ type: 'upload.refused', sessionId: id!, by: personOf(identity), code: error.code, reason: error.message, bytes: declared });
      throw error;
    }
    if (declared > uploadAllowance(core, personOf(identity))) {
      await uploadQuotaRefusal(core, personOf(identity), id!, core.state.usage.bytesOn(utcDay(core.now()), personOf(identity)) + declared)
        .catch((error: ApiError) => Promise.reject(lingering(req, error)));
    }
    const guard = bodyGuard({ idleMs: core.limits.bodyIdleMs, deadlineMs: core.limits.uploadDeadlineMs });
    let copy: KeptCast;
    try {
      copy = await keepCast(identity, session, (inspect) => core.store.putBlob('cast', id!, inspected(cappedBody(req, cap, guard.signal), {
        push: (chunk) => (guard.touch(), inspect.push(chunk)),
        end: () => inspect.end(),
      })));
    } catch (error) {
      // The client may still be sending: read and drop the rest so that it gets the answer.
      if (error instanceof ApiError && error.status !== 408) lingering(req, error);
      throw error;
    } finally {
      guard.done();
    }
    const answer: UploadAnswer = { sessionId: id!, sha256: copy.sha256, size: copy.size };
    sendJson(res, 200, answer);
  };

  const close: Route = async (req, res, url, [id]) => {
    parseQuery(url, {});
    const identity = await access.authenticate(req);
    const body = await readJson(req, { ...access.pacing, limit: CLOSE_BODY_MAX_BYTES });
    let session = ownSession(identity, id!);
    const draft = session.closed ? null : draftOf(body, id!);
    if (draft) {
      checkDraftAgainstSession(draft, session, core.now());
      if (core.uploading.has(id!)) throw new ApiError(409, 'ERR_UPLOAD_IN_PROGRESS', `the recording of session ${id} is still being uploaded`);
      const inline = inlineCastOf(body, draft, core.limits.maxCastBytes);
      // A retried close finds the copy kept by the first try; checkCopy compares it with the draft.
      if (inline && !session.upload) {
        if (inline.length > uploadAllowance(core, personOf(identity))) {
          await uploadQuotaRefusal(core, personOf(identity), id!, core.state.usage.bytesOn(utcDay(core.now()), personOf(identity)) + inline.length);
        }
        await keepCast(identity, session, (inspect) => core.store.putBlob('cast', id!, inspected(inline, inspect)));
        session = sessionFor(id!);
      }
    }
    if (session.closed || !draft) {
      const manifest = await closedManifest(session);
      const error = new ApiError(409, 'ERR_SESSION_CLOSED', `session ${id} was already closed at ${session.closed?.at}; its manifest is attached`);
      return sendError(res, error, { manifest });
    }
    const relayCopy = checkCopy(session, draft);
    // The gateway's streams of this session end now, and its record is kept before the manifest binds it.
    const observed = await observedOf(core, session);

    // The manifest names the entry that records it: appended only at the head it was built on.
    const { manifest } = await commitAtHead(core, (chain) => {
      // Another close of this session may have got in while the head was read.
      if (sessionFor(id!).closed) throw new ApiError(409, 'ERR_SESSION_CLOSED', `session ${id} was closed meanwhile by another request; ask again for its manifest`);
      const payload = buildManifest({
        session, draft, approval: session.requestId ? core.state.requests.get(session.requestId) : undefined, relayCopy, chain, observed,
        issuedAt: new Date(core.now()).toISOString(),
      });
      const unmasked = payload.relayCheck?.flagged ? payload.relayCheck.unmasked : null;
      const bytes = Buffer.from(JSON.stringify(payload));
      const signed = core.keys.signNow(bytes);
      const event: SessionClosedEvent = {
        type: 'session.closed', sessionId: id!, by: personOf(identity), command: session.decision.command, kid: core.keys.kid(),
        manifestSha256: sha256Hex(bytes), castSha256: draft.cast?.sha256 ?? null, castSize: draft.cast?.size ?? null, relayCopy,
        exitCode: draft.exitCode, signal: draft.signal, manifest: signed, ...(unmasked ? { unmasked } : {}),
      };
      return event;
    });
    await keepManifest(core.store, id!, manifest);
    // The close is durable already; a checkpoint that cannot be written now is retried within the minute.
    await core.checkpoint().catch(() => {});
    sendJson(res, 200, { manifest });
  };

  const list: Route = async (req, res, url) => {
    const query = parseQuery(url, { state: oneOf(SESSION_STATES), limit: wholeNumber(1, 10_000) });
    const identity = await access.authenticate(req);
    if (!access.isAuditor(identity)) throw new ApiError(403, 'ERR_NOT_AUDITOR', `${identity.subject} is in none of the approver or auditor groups`);
    const wanted: SessionStateFilter = query.state ?? 'all';
    const limit = query.limit ?? 1000;
    const sessions = [...core.state.sessions.values()]
      .filter((session) => wanted === 'all' || (wanted === 'closed') === (session.closed !== null))
      .slice(-limit)
      .map(summarize);
    sendJson(res, 200, { sessions });
  };

  const manifest: Route = async (req, res, url, [id]) => {
    parseQuery(url, {});
    const session = readable(await access.authenticate(req), id!);
    if (!session.closed) throw new ApiError(404, 'ERR_SESSION_UNCLOSED', `session ${id} was never closed, so it has no manifest`);
    sendJson(res, 200, await closedManifest(session));
  };

  const cast: Route = async (req, res, url, [id]) => {
    parseQuery(url, {});
    const session = readable(await access.authenticate(req), id!);
    const blob = session.upload ? await core.store.getBlob('cast', id!) : null;
    if (blob === null) throw new ApiError(404, 'ERR_NO_RELAY_COPY', `the relay holds no recording of session ${id}`);
    res.writeHead(200, { 'content-type': 'application/x-asciicast', 'content-length': blob.size, 'cache-control': 'no-store' });
    blob.open().on('error', () => res.destroy()).pipe(res);
  };

  /** The relay's own record of a gateway session (JSON lines), once the session closed. */
  const recordRoute: Route = async (req, res, url, [id]) => {
    parseQuery(url, {});
    readable(await access.authenticate(req), id!);
    const blob = await core.store.getBlob('record', id!);
    if (blob === null) throw new ApiError(404, 'ERR_NO_RELAY_RECORD', `the relay holds no record of session ${id} (it ran in local mode, or is still open)`);
    res.writeHead(200, { 'content-type': 'application/jsonl', 'content-length': blob.size, 'cache-control': 'no-store' });
    blob.open().on('error', () => res.destroy()).pipe(res);
  };

  return [
    ['GET', /^\/v1\/sessions$/, list],
    ['PUT', /^\/v1\/sessions\/([\w-]+)\/cast$/, upload],
    ['GET', /^\/v1\/sessions\/([\w-]+)\/cast$/, cast],
    ['POST', /^\/v1\/sessions\/([\w-]+)\/close$/, close],
    ['GET', /^\/v1\/sessions\/([\w-]+)\/manifest$/, manifest],
    ['GET', /^\/v1\/sessions\/([\w-]+)\/record$/, recordRoute],
  ];
}

/** What the relay itself observed of a session: its gateway record, or that it ran in local mode. */
async function observedOf(core: RelayCore, session: Session): Promise<ObservedEvidence> {
  if (!session.gateway) return { v: 1, mode: 'local', record: null };
  // The session's refusals past those logged one by one are in the log before it closes.
  await core.gateway.refusals.finish(session.sessionId);
  return core.gateway.records.finish(session.sessionId, { cluster: session.gateway.cluster, subject: session.decision.requester.subject }, core.store);
}

/** Thrown from inside an upload when the identity's bytes for the day run out. */
class QuotaReached extends Error {}

function draftOf(body: unknown, id: string): SessionDraft {
  const raw = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { draft?: unknown }).draft : undefined;
  let draft: SessionDraft;
  try {
    draft = parseDraft(raw, 'request body');
  } catch (error) {
    if (error instanceof ManifestFormatError || error instanceof ManifestVersionError) {
      throw new ApiError(400, 'ERR_INVALID_DRAFT', (error as Error).message);
    }
    throw error;
  }
  if (draft.session !== id) throw new ApiError(400, 'ERR_INVALID_DRAFT', `the draft is for session ${draft.session}, not ${id}`);
  return draft;
}

/**
 * The .cast sent inside a close request, checked against the draft before it is kept: a copy
 * that disagrees with what the draft claims is refused rather than stored.
 */
function inlineCastOf(body: unknown, draft: SessionDraft, cap: number): Buffer | null {
  const raw = (body as { cast?: unknown }).cast;
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(raw)) throw new ApiError(400, 'ERR_INVALID_CAST', '"cast" must be the .cast file in base64');
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length > Math.min(cap, INLINE_CAST_MAX_BYTES)) {
    throw new ApiError(413, 'ERR_CAST_TOO_LARGE', `an inline recording may hold at most ${Math.min(cap, INLINE_CAST_MAX_BYTES)} bytes; upload larger ones with PUT /v1/sessions/${draft.session}/cast`);
  }
  if (!draft.cast) throw new ApiError(409, 'ERR_CAST_MISMATCH', `a recording of session ${draft.session} was sent, but the draft says nothing was recorded`);
  const sha256 = sha256Hex(bytes);
  if (sha256 !== draft.cast.sha256 || bytes.length !== draft.cast.size) {
    throw new ApiError(409, 'ERR_CAST_MISMATCH', `the recording sent (${sha256}, ${bytes.length} bytes) is not the one the draft describes (${draft.cast.sha256}, ${draft.cast.size} bytes)`);
  }
  return bytes;
}

/** Whether the relay's copy backs the draft; a copy that disagrees with it is refused. */
function checkCopy(session: Session, draft: SessionDraft): boolean {
  const copy = session.upload;
  if (!copy) return false;
  if (!draft.cast) throw new ApiError(409, 'ERR_CAST_MISMATCH', `a recording of session ${session.sessionId} was uploaded, but the draft says nothing was recorded`);
  const changed = [
    copy.sha256 !== draft.cast.sha256 ? 'sha256' : '', copy.size !== draft.cast.size ? 'size' : '',
    copy.events !== undefined && copy.events !== draft.cast.events ? 'events' : '',
  ].filter(Boolean);
  if (changed.length > 0) {
    throw new ApiError(409, 'ERR_CAST_MISMATCH', `the draft's cast ${changed.join(' and ')} (${draft.cast.sha256}, ${draft.cast.size} bytes, ${draft.cast.events} events) differ from the uploaded copy (${copy.sha256}, ${copy.size} bytes${copy.events === undefined ? '' : `, ${copy.events} events`})`);
  }
  return true;
}
