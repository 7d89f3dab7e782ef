import { useCallback, useEffect, useState } from "react";
import { Header } from "@codegouvfr/react-dsfr/Header";
import { Footer } from "@codegouvfr/react-dsfr/Footer";
import { SkipLinks } from "@codegouvfr/react-dsfr/SkipLinks";
import { api, setCsrfToken, setUnauthenticatedHandler } from "./api";
import { useLocation, navigate } from "./router";
import type { Session } from "./types";
import { LoginPage } from "./pages/LoginPage";
import { InboxPage } from "./pages/InboxPage";
import { MessagePage } from "./pages/MessagePage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { TemplatesPage, kTemplatesPath } from "./pages/TemplatesPage";
import { DashboardPage, canSeeDashboard, kDashboardPath } from "./pages/DashboardPage";
import { RoutingPage, canSeeRouting, kRoutingPath } from "./pages/RoutingPage";

export function App() {
  // undefined: session not checked yet; null: signed out.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const location = useLocation();

  const signIn = useCallback((s: Session) => {
    setCsrfToken(s.csrf_token);
    setExpired(false);
    setSession(s);
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setExpired(true);
      setSession(null);
    });
    api.me().then(signIn, () => setSession(null));
    return () => setUnauthenticatedHandler(null);
  }, [signIn]);

  const signOut = async () => {
    try {
      await api.logout();
    } finally {
      setCsrfToken(null);
      setSession(null);
      navigate("/", { replace: true });
    }
  };

  const messageMatch = /^\/messages\/(\d+)\/?$/.exec(location.path);
  const onDashboard = location.path.replace(/\/$/, "") === kDashboardPath;
  let page;
  if (session === undefined) {
    page = <p aria-live="polite">Chargement…</p>;
  } else if (session === null) {
    page = <LoginPage onSignedIn={signIn} expired={expired} />;
  } else if (location.path === "/") {
    page = <InboxPage search={location.search} />;
  } else if (onDashboard) {
    page = <DashboardPage search={location.search} session={session} />;
  } else if (location.path.replace(/\/$/, "") === kTemplatesPath) {
    page = <TemplatesPage session={session} />;
  } else if (location.path.replace(/\/$/, "") === kRoutingPath) {
    page = <RoutingPage session={session} />;
  } else if (messageMatch) {
    page = <MessagePage key={messageMatch[1]} id={Number(messageMatch[1])} session={session} />;
  } else {
    page = <NotFoundPage />;
  }

  return (
    <>
      <SkipLinks links={[{ label: "Contenu", anchor: "#contenu" }]} />
      <Header
        brandTop={
          <>
            République
            <br />
            Française
          </>
        }
        homeLinkProps={{ href: "/", title: "Accueil — Plume, boîte de réception" }}
        serviceTitle="Plume"
        serviceTagline="Aide à la réponse aux messages des usagers"
        quickAccessItems={
          session
            ? [
                <p key="agent" className="plume-agent fr-mb-0" data-testid="agent-identity">
                  <span className="fr-icon-account-circle-line fr-mr-1w" aria-hidden="true" />
                  <span>
                    {session.agent.display_name}
                    <span className="fr-sr-only">, service </span>
                    <span className="plume-agent-service"> · {session.agent.service}</span>
                  </span>
                </p>,
                {
                  iconId: "fr-icon-logout-box-r-line",
                  text: "Se déconnecter",
                  buttonProps: { onClick: () => void signOut(), type: "button" },
                },
              ]
            : []
        }
        navigation={
          session
            ? [
                {
                  text: "Boîte de réception",
                  linkProps: { href: "/" },
                  isActive: location.path === "/" || messageMatch !== null,
                },
                {
                  text: "Réponses types",
                  linkProps: { href: kTemplatesPath },
                  isActive: location.path.replace(/\/$/, "") === kTemplatesPath,
                },
                ...(canSeeRouting(session)
                  ? [
                      {
                        text: "Règles d'orientation",
                        linkProps: { href: kRoutingPath },
                        isActive: location.path.replace(/\/$/, "") === kRoutingPath,
                      },
                    ]
                  : []),
                ...(canSeeDashboard(session)
                  ? [
                      {
                        text: "Tableau de bord",
                        linkProps: { href: kDashboardPath },
                        isActive: onDashboard,
                      },
                    ]
                  : []),
              ]
            : undefined
        }
      />
      <main id="contenu" tabIndex={-1} className="fr-container fr-py-4w plume-main">
        {page}
      </main>
      <Footer
        accessibility="non compliant"
        contentDescription="Plume propose des brouillons de réponse fondés sur les fiches officielles de service-public.fr. Chaque réponse est relue et validée par un agent avant envoi."
        bottomItems={[]}
      />
    </>
  );
}
