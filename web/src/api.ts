// Same-origin client of the Plume API: cookie session, CSRF header on state-changing requests,
// JSON errors turned into ApiError with the server's French message.
import type {
  Decision,
  Draft,
  EmailDelivery,
  Engines,
  IntentList,
  RoutingRules,
  Message,
  MessageDetail,
  MessageList,
  OutcomeReport,
  ReplyTemplate,
  Session,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

// Called when an authenticated request answers 401 (session expired or revoked).
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

const kNetworkError = "Le serveur Plume ne répond pas. Vérifiez votre connexion puis réessayez.";

async function errorFrom(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) {
      return new ApiError(res.status, body.error.code ?? "internal", body.error.message);
    }
  } catch {
    // Not JSON: fall through to a generic message.
  }
  return new ApiError(res.status, "internal", `Erreur inattendue du serveur (HTTP ${res.status}).`);
}

function headersFor(method: string, extra?: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { Accept: "application/json", ...extra };
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  return headers;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: { authRequired?: boolean } = { authRequired: true },
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: headersFor(
        method,
        body === undefined ? undefined : { "Content-Type": "application/json" },
      ),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", kNetworkError);
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && opts.authRequired && onUnauthenticated) onUnauthenticated();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  // Intent routing (issue #6).
  intents: () => request<IntentList>("GET", "/api/intents"),
  routingRules: () => request<RoutingRules>("GET", "/api/admin/routing"),
  saveRoutingRules: (rules: RoutingRules) =>
    request<RoutingRules>("PUT", "/api/admin/routing", {
      services: rules.services,
      rules: rules.rules,
    }),
  correctIntent: (id: number, intent: string) =>
    request<{ message: Message }>("POST", `/api/messages/${id}/intent`, { intent }),
  login: (login: string, password: string) =>
    request<Session>("POST", "/api/auth/login", { login, password }, { authRequired: false }),
  logout: () => request<void>("POST", "/api/auth/logout", {}, { authRequired: false }),
  me: () => request<Session>("GET", "/api/auth/me", undefined, { authRequired: false }),
  listMessages: (params: URLSearchParams) =>
    request<MessageList>("GET", `/api/messages?${params.toString()}`),
  getMessage: (id: number) => request<MessageDetail>("GET", `/api/messages/${id}`),
  assign: (id: number) => request<{ message: Message }>("POST", `/api/messages/${id}/assign`, {}),
  engines: () => request<Engines>("GET", "/api/engines"),
  draftFeedback: (draftId: number, thumbsUp: boolean, reasons: string[], comment: string) =>
    request<unknown>("POST", `/api/drafts/${draftId}/feedback`, {
      thumbs_up: thumbsUp,
      reasons,
      comment,
    }),
  discard: (draftId: number) =>
    request<{ decision: Decision }>("POST", `/api/drafts/${draftId}/discard`, {}),
  outcomes: (params: URLSearchParams) =>
    request<OutcomeReport>("GET", `/api/metrics/outcomes?${params.toString()}`),
  retryEmail: (outboxId: number) =>
    request<{ entry: EmailDelivery }>("POST", `/api/outbox/${outboxId}/retry`, {}),
  // Réponses types (issue #3).
  proposeTemplate: (decisionId: number) =>
    request<{ template: ReplyTemplate; removed: string[] }>(
      "POST",
      `/api/decisions/${decisionId}/template-candidate`,
      {},
    ),
  listTemplates: (status?: string) =>
    request<{ templates: ReplyTemplate[]; version: number }>(
      "GET",
      status ? `/api/templates?status=${encodeURIComponent(status)}` : "/api/templates",
    ),
  reviewTemplate: (id: number, action: "approve" | "reject", body?: string) =>
    request<{ template: ReplyTemplate }>(
      "POST",
      `/api/templates/${id}/${action}`,
      body === undefined ? {} : { body },
    ),
  reply: (id: number, text: string, draftId: number | null) =>
    request<{ decision: Decision; message: Message }>(
      "POST",
      `/api/messages/${id}/reply`,
      draftId === null ? { text } : { draft_id: draftId, text },
    ),
};

// One server-sent event: `event:` name and the joined `data:` lines.
export interface SseEvent {
  event: string;
  data: string;
}

// Incremental SSE parser: feed decoded text chunks, get complete events back.
export class SseParser {
  private buffer = "";

  push(chunk: string): SseEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, "\n");
    const events: SseEvent[] = [];
    let sep: number;
    while ((sep = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.slice(0, sep);
      this.buffer = this.buffer.slice(sep + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length > 0) events.push({ event, data: data.join("\n") });
    }
    return events;
  }
}

// Requests a draft and streams its text: onDelta receives each piece as it is generated.
// Resolves with the stored draft; rejects with ApiError (e.g. 503 unavailable) or AbortError.
export async function streamDraft(
  messageId: number,
  engine: string | null,
  onDelta: (text: string) => void,
  signal: AbortSignal,
): Promise<Draft> {
  let res: Response;
  try {
    res = await fetch(`/api/messages/${messageId}/drafts`, {
      method: "POST",
      credentials: "same-origin",
      headers: headersFor("POST", {
        Accept: "text/event-stream",
        "Content-Type": "application/json",
      }),
      body: JSON.stringify(engine ? { engine } : {}),
      signal,
    });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new ApiError(0, "network", kNetworkError);
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && onUnauthenticated) onUnauthenticated();
    throw err;
  }
  const type = res.headers.get("Content-Type") ?? "";
  if (!type.includes("text/event-stream") || !res.body) {
    // A server that does not stream answers 201 {draft}.
    const { draft } = (await res.json()) as { draft: Draft };
    onDelta(draft.text);
    return draft;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const ev of parser.push(value)) {
      if (ev.event === "delta") {
        onDelta((JSON.parse(ev.data) as { text: string }).text);
      } else if (ev.event === "draft") {
        await reader.cancel().catch(() => undefined);
        const parsed = JSON.parse(ev.data) as Draft | { draft: Draft };
        return "draft" in parsed ? parsed.draft : parsed;
      } else if (ev.event === "error") {
        const { error } = JSON.parse(ev.data) as { error: { code: string; message: string } };
        throw new ApiError(res.status, error.code, error.message);
      }
    }
  }
  throw new ApiError(
    0,
    "internal",
    "La génération s'est interrompue avant la fin. Vous pouvez réessayer.",
  );
}
