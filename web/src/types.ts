// Types of the Plume HTTP API v1 (see the API contract).

export type Role = "agent" | "supervisor" | "admin";

export interface Agent {
  id: number;
  login: string;
  display_name: string;
  role: Role;
  service: string;
}

export interface Session {
  agent: Agent;
  csrf_token: string;
}

export type MessageStatus = "new" | "in_progress" | "answered" | "closed";
export type Channel = "api" | "web_form" | "feedback" | "email" | "import";

export interface Message {
  id: number;
  service: string;
  channel: Channel;
  sender_name: string | null;
  sender_email: string | null;
  subject: string | null;
  body: string;
  received_at: string;
  status: MessageStatus;
  assigned_agent: string | null;
  intent: string | null;
  queue?: string | null; // routing queue (issue #6)
}

export interface Source {
  document_id: string;
  title: string;
  url: string;
  source_date: string;
}

export interface Draft {
  id: number;
  message_id: number;
  engine: string;
  engine_version: string;
  prompt_version: string;
  text: string;
  sources: Source[];
  warnings: string[];
  created_at: string;
  latency_ms: number;
}

export type DecisionKind = "accepted" | "edited" | "written_without_ai" | "discarded";

export interface Decision {
  id: number;
  message_id: number;
  draft_id: number | null;
  agent: string;
  kind: DecisionKind;
  final_text: string | null;
  edit_distance: number | null;
  decided_at: string;
}

// A message as the inbox lists it (GET /api/messages?view=summary): the start of the body only.
export type MessageSummary = Omit<Message, "body"> & { excerpt: string };

export interface MessageList {
  messages: MessageSummary[];
  next_after_id: number | null;
  counts: Partial<Record<MessageStatus, number>>;
}

export interface MessageDetail {
  message: Message;
  drafts: Draft[];
  decisions: Decision[];
  email_delivery?: EmailDelivery | null; // issue #7: the reply e-mail
  attachments?: EmailAttachment[];
}

export interface Engines {
  engines: string[];
  default: string | null;
}

// GET /api/metrics/outcomes (supervisors and admins). Shares are in [0, 1]; null when there is
// nothing to divide.
export interface SatisfactionFigures {
  ratings: number;
  score_counts: number[];
  mean_score: number | null;
  satisfied_share: number | null;
  useful_answers: number;
  useful_share: number | null;
}

export interface OutcomeFigures {
  messages_received: number;
  drafts_created: number;
  replies: { total: number; accepted: number; edited: number; written_without_ai: number };
  draft_decisions: { total: number; accepted: number; edited: number; discarded: number };
  response_time_hours: { median: number | null; mean: number | null };
  ai_assisted_share: number | null;
  accepted_rate: number | null;
  edited_rate: number | null;
  discarded_rate: number | null;
  mean_normalized_edit_distance: number | null;
  satisfaction: {
    all: SatisfactionFigures;
    ai_assisted: SatisfactionFigures;
    not_assisted: SatisfactionFigures;
  };
  agent_feedback: {
    thumbs_up: number;
    thumbs_down: number;
    positive_share: number | null;
    reasons: Record<string, number>;
  };
  volumes: {
    by_channel: Record<string, number>;
    by_intent: Record<string, number>;
    by_service: Record<string, number>;
  };
}

export type Granularity = "week" | "day";

export interface OutcomeReport {
  // from: first instant; to: end instant, exclusive (ISO 8601 UTC).
  query: { from: string; to: string; service: string | null; granularity: Granularity };
  total: OutcomeFigures;
  by_service: Record<string, OutcomeFigures>;
  periods: { start: string; figures: OutcomeFigures }[];
}

// Issue #7: delivery state of a reply e-mail (outbox entry, or "not_queued").
export interface EmailDelivery {
  id?: number;
  state: "pending" | "sent" | "failed" | "not_queued";
  state_label: string;
  attempts?: number;
  last_error?: string;
  next_attempt_at?: string | null;
  sent_at?: string | null;
}

export interface EmailAttachment {
  id: number;
  filename: string;
  content_type: string;
  size: number;
  kept: boolean;
  url: string | null;
}

// Réponses types proposed from sent replies (issue #3).
export type ReplyTemplateStatus = "candidate" | "approved" | "rejected";

export interface ReplyTemplate {
  id: number;
  service: string;
  title: string;
  body: string;
  intent: string;
  document_ids: string[];
  status: ReplyTemplateStatus;
  proposed_by: string;
  proposed_at: string;
  reviewed_by: string;
  reviewed_at: string | null;
  decision_id: number | null;
}

// Intent routing (issue #6).
export interface IntentLabel {
  id: string;
  name: string;
}

export interface IntentList {
  intents: IntentLabel[];
  to_qualify: IntentLabel;
}

export interface ServiceQueues {
  service: string; // "" for every service
  default_queue: string;
  qualification_queue: string;
  min_confidence: number | null;
}

export interface RoutingRule {
  service: string; // "" for every service
  intent: string;
  intent_name?: string;
  queue: string;
}

export interface RoutingRules {
  services: ServiceQueues[];
  rules: RoutingRule[];
  editable?: boolean;
}
