import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { statusLabels } from "../labels";
import type { MessageStatus } from "../types";

const severities = {
  new: "new",
  in_progress: "info",
  answered: "success",
  closed: undefined,
} as const;

export function StatusBadge({ status }: { status: MessageStatus }) {
  return (
    <Badge small noIcon severity={severities[status]} data-status={status}>
      {statusLabels[status] ?? status}
    </Badge>
  );
}
