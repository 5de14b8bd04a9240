import { Link } from "react-router-dom";
import { EmptyState } from "../components/ui";

export default function NotFound() {
  return (
    <EmptyState title="There is no page here">
      <Link className="link" to="/projects">
        Go to your projects
      </Link>
    </EmptyState>
  );
}
