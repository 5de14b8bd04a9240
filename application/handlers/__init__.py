"""Command handlers: one function per command, named as the snake_case of the command."""

from __future__ import annotations

from application import commands as c
from application.bus import Handler
from application.handlers import deployments, nodes, organizations, projects, services, variables

HANDLERS: dict[type[c.Command], Handler] = {
    c.CreateOrganization: organizations.create_organization,
    c.RenameOrganization: organizations.rename_organization,
    c.AddMember: organizations.add_member,
    c.ChangeMemberRole: organizations.change_member_role,
    c.RemoveMember: organizations.remove_member,
    c.CreateProject: projects.create_project,
    c.RenameProject: projects.rename_project,
    c.DeleteProject: projects.delete_project,
    c.RestoreProject: projects.restore_project,
    c.AddEnvironment: projects.add_environment,
    c.RemoveEnvironment: projects.remove_environment,
    c.SetVariables: variables.set_variables,
    c.UnsetVariables: variables.unset_variables,
    c.CreateService: services.create_service,
    c.UpdateService: services.update_service,
    c.ScaleService: services.scale_service,
    c.DeleteService: services.delete_service,
    c.RequestDeployment: deployments.request_deployment,
    c.RollbackService: deployments.rollback_service,
    c.CancelDeployment: deployments.cancel_deployment,
    c.StartBuild: deployments.start_build,
    c.RecordBuilt: deployments.record_built,
    c.StartReplicas: deployments.start_replicas,
    c.RecordHealthy: deployments.record_healthy,
    c.FailDeployment: deployments.fail_deployment,
    c.ExpireDeployment: deployments.expire_deployment,
    c.RegisterNode: nodes.register_node,
    c.LabelNode: nodes.label_node,
    c.LabelNodes: nodes.label_nodes,
    c.CordonNode: nodes.cordon_node,
    c.UncordonNode: nodes.uncordon_node,
    c.DrainNode: nodes.drain_node,
    c.MarkNodeUnreachable: nodes.mark_node_unreachable,
    c.MarkNodeReachable: nodes.mark_node_reachable,
    c.RemoveNode: nodes.remove_node,
}
