"""The GraphQL documents the client commands send (the server's schema.graphql says more)."""

from __future__ import annotations

PAGE = 200
DEPLOYMENT = (
    "id state reason serviceId environmentId trigger commit image sourceArchive "
    "sourceArchiveSize rollbackOf requestedAt finishedAt position"
)
LOG_LINE = "id deploymentId stream replica at line"

VIEWER = "{ viewer { id email name organizations { id name slug role } } }"
LOG_IN = "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { accessToken } }"
CREATE_TOKEN = (
    "mutation($n: String!, $s: [String!]!, $days: Int) "  # noqa: S105 - a document, no secret
    "{ createApiToken(name: $n, scopes: $s, expiresInDays: $days) { id token } }"
)
LOG_OUT = "mutation { logOut }"
REVOKE_TOKEN = "mutation($id: ID!) { revokeApiToken(id: $id) }"  # noqa: S105 - a document
PROJECT_FIELDS = "id name slug environments { id name } services { id name }"
PROJECTS = (
    "query($id: ID!) { organization(id: $id) { projects(first: 100) "
    f"{{ nodes {{ {PROJECT_FIELDS} }} }} }} }}"
)
PROJECT = f"query($id: ID!) {{ project(id: $id) {{ {PROJECT_FIELDS} }} }}"
DEPLOY = (
    "mutation($s: ID!, $e: ID!, $a: ID) "
    f"{{ deployService(serviceId: $s, environmentId: $e, sourceArchive: $a) {{ {DEPLOYMENT} }} }}"
)
REDEPLOY = (
    "mutation($s: ID!, $e: ID!) "
    f"{{ redeployService(serviceId: $s, environmentId: $e) {{ {DEPLOYMENT} }} }}"
)
ROLLBACK = f"mutation($id: ID!) {{ rollbackService(deploymentId: $id) {{ {DEPLOYMENT} }} }}"
DEPLOYMENTS = (
    "query($s: ID!, $e: ID!) { service(id: $s) { states { environmentId liveDeploymentId } "
    "deployments(environmentId: $e, first: 100) { nodes { id state history { state } } } } }"
)
STATES = (
    "query($id: ID!) { service(id: $id) { states "
    "{ environmentId latestDeploymentId liveDeploymentId } } }"
)
STATUS = (
    "query($id: ID!) { service(id: $id) { id name kind source states { environmentId "
    f"liveDeploymentId latestState latestDeployment {{ {DEPLOYMENT} }} }} }} }}"
)
DEPLOYMENT_QUERY = f"query($id: ID!) {{ deployment(id: $id) {{ {DEPLOYMENT} }} }}"
URLS = "query($id: ID!) { service(id: $id) { states { environmentId urls { url } } } }"
RECENT_LOGS = (
    "query($s: ID!, $d: ID, $stream: String, $text: String, $n: Int!) { logs(serviceId: $s, "
    "deploymentId: $d, stream: $stream, text: $text, first: $n, newest: true) "
    f"{{ lines {{ {LOG_LINE} }} cursor }} }}"
)
DEPLOYMENT_LOG_PAGE = (
    f"query($d: ID!, $after: Int!) {{ logs(deploymentId: $d, after: $after, first: {PAGE}) "
    f"{{ lines {{ {LOG_LINE} }} cursor }} }}"
)
VARIABLES = (
    "query($p: ID!, $e: ID!, $s: ID, $r: Boolean!) "
    "{ variables(projectId: $p, environmentId: $e, serviceId: $s, reveal: $r) { name value } }"
)
SET_VARIABLES = (
    "mutation($p: ID!, $e: ID!, $v: JSON!, $s: ID) { setVariables(projectId: $p, "
    "environmentId: $e, values: $v, serviceId: $s) { name } }"
)
UNSET_VARIABLES = (
    "mutation($p: ID!, $e: ID!, $n: [String!]!, $s: ID) { unsetVariables(projectId: $p, "
    "environmentId: $e, names: $n, serviceId: $s) { name } }"
)

DEPLOYMENT_UPDATED = (
    "subscription($d: ID!, $after: Int!) "
    f"{{ deploymentUpdated(deploymentId: $d, after: $after) {{ {DEPLOYMENT} }} }}"
)
SERVICE_LOGS = (
    "subscription($s: ID!, $d: ID, $stream: String, $text: String, $after: Int!) "
    "{ serviceLogs(serviceId: $s, deploymentId: $d, stream: $stream, text: $text, "
    f"after: $after) {{ {LOG_LINE} }} }}"
)
