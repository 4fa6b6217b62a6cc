/**
 * Links into the Temporal Web UI. The API serves the template (it knows the UI's address and
 * the namespace); the API's detail view and the web app fill it in for one workflow run.
 */
export function temporalUiWorkflowTemplate(uiUrl: string, namespace: string): string {
  return `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/{id}/{run_id}/history`;
}

export function temporalUiWorkflowUrl(template: string, id: string, runId: string): string {
  return template.replace('{id}', encodeURIComponent(id)).replace('{run_id}', encodeURIComponent(runId));
}
