// Page heading: sets the document title and, after a client-side navigation, moves the
// keyboard focus to the heading so screen-reader users hear the new page (RGAA 12.x).
import { useEffect, useRef, type ReactNode } from "react";

let firstPage = true;

export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — Plume`;
    if (firstPage) {
      firstPage = false;
      return;
    }
    ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1} className="plume-page-title">
      {children ?? title}
    </h1>
  );
}
