// Anchor that navigates client-side; registered with react-dsfr for its linkProps.
import { forwardRef, type AnchorHTMLAttributes } from "react";
import { onLinkClick } from "../router";

export const Link = forwardRef<HTMLAnchorElement, AnchorHTMLAttributes<HTMLAnchorElement>>(
  function Link({ onClick, ...props }, ref) {
    return (
      <a
        ref={ref}
        {...props}
        onClick={(e) => {
          onClick?.(e);
          onLinkClick(e);
        }}
      />
    );
  },
);
