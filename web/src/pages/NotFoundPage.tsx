import { PageTitle } from "../components/PageTitle";
import { Link } from "../components/Link";

export function NotFoundPage() {
  return (
    <>
      <PageTitle title="Page introuvable" />
      <p>Cette adresse ne correspond à aucune page de Plume.</p>
      <Link href="/" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
        Retour à la boîte de réception
      </Link>
    </>
  );
}
