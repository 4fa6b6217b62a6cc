import * as Tooltip from '@radix-ui/react-tooltip';
import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, Route, Routes } from 'react-router';
import { createQueryClient } from './api/queries';
import { Layout } from './components/Layout';
import { NoticeProvider } from './components/Notices';
import { SignInPage } from './auth/SignInPage';
import { connectTaskCache } from './live/taskCache';
import { TaskTablePage } from './tasks/TaskTablePage';
import './styles.css';

// The table is the front page; the other pages (and the log viewer's virtualizer) load on demand.
const TaskDetailPage = lazy(() => import('./detail/TaskDetailPage').then((m) => ({ default: m.TaskDetailPage })));
const ApprovalQueuePage = lazy(() => import('./approvals/ApprovalQueuePage').then((m) => ({ default: m.ApprovalQueuePage })));
const BatchPage = lazy(() => import('./batches/BatchPage').then((m) => ({ default: m.BatchPage })));
const BatchesPage = lazy(() => import('./batches/BatchesPage').then((m) => ({ default: m.BatchesPage })));
const PipelinesPage = lazy(() => import('./pipelines/PipelinesPage').then((m) => ({ default: m.PipelinesPage })));
const DatasetsPage = lazy(() => import('./datasets/DatasetsPage').then((m) => ({ default: m.DatasetsPage })));
const DatasetPage = lazy(() => import('./datasets/DatasetPage').then((m) => ({ default: m.DatasetPage })));
const SubmitPage = lazy(() => import('./submit/SubmitPage').then((m) => ({ default: m.SubmitPage })));
const SchedulesPage = lazy(() => import('./schedules/SchedulesPage').then((m) => ({ default: m.SchedulesPage })));
const SchedulePage = lazy(() => import('./schedules/SchedulePage').then((m) => ({ default: m.SchedulePage })));
const TaskGroupsPage = lazy(() => import('./schedules/TaskGroupsPage').then((m) => ({ default: m.TaskGroupsPage })));
const TimelinePage = lazy(() => import('./runs/TimelinePage').then((m) => ({ default: m.TimelinePage })));
const NodesPage = lazy(() => import('./nodes/NodesPage').then((m) => ({ default: m.NodesPage })));
const GraphPage = lazy(() => import('./graph/GraphPage').then((m) => ({ default: m.GraphPage })));

// The app's one cache of server state, kept live by the event stream for the page's lifetime.
const queryClient = createQueryClient();
connectTaskCache(queryClient);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter basename="/ui">
        <Tooltip.Provider>
          <NoticeProvider>
            <Routes>
              <Route element={<Layout />}>
                <Route index element={<TaskTablePage />} />
                <Route path="tasks/:id" element={<TaskDetailPage />} />
                <Route path="submit" element={<SubmitPage />} />
                <Route path="sign-in" element={<SignInPage />} />
                <Route path="approvals" element={<ApprovalQueuePage />} />
                <Route path="batches" element={<BatchesPage />} />
                <Route path="batches/:id" element={<BatchPage />} />
                <Route path="pipelines" element={<PipelinesPage />} />
                <Route path="datasets" element={<DatasetsPage />} />
                <Route path="datasets/:id" element={<DatasetPage />} />
                <Route path="graph" element={<GraphPage />} />
                <Route path="tasks" element={<TaskGroupsPage />} />
                <Route path="schedules" element={<SchedulesPage />} />
                <Route path="timeline" element={<TimelinePage />} />
                <Route path="schedules/:id" element={<SchedulePage />} />
                <Route path="nodes" element={<NodesPage />} />
                <Route path="*" element={<NotFound />} />
              </Route>
            </Routes>
          </NoticeProvider>
        </Tooltip.Provider>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);

function NotFound() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to tasks</Link>
      </p>
    </section>
  );
}
