import { MantineProvider, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { notifications } from '@mantine/notifications';
import { ApiError } from './api/client';
import { AuthProvider, useAuth } from './auth/auth';
import { SignIn } from './auth/SignIn';
import { SCREENS } from './screens';
import { ProgramProvider } from './shell/program';
import { Shell } from './shell/Shell';
import { Loading } from './shell/states';

const theme = createTheme({
  primaryColor: 'teal',
  defaultRadius: 'sm',
  respectReducedMotion: true,
  // A status badge in a narrow table column keeps its whole word.
  components: { Badge: { styles: { root: { minWidth: 'max-content' } } } },
});

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // A 4xx will not change by asking again.
      queries: { retry: (n, e) => !(e instanceof ApiError && e.statusCode < 500) && n < 2, refetchOnWindowFocus: false },
    },
    // Every failed action says why, in the server's words; screens may show more in place.
    mutationCache: new MutationCache({ onError: (e) => notifications.show({ color: 'red', title: 'That did not work', message: (e as Error).message }) }),
  });
}

const router = createBrowserRouter(
  [
    {
      path: '/',
      element: <Shell />,
      children: [
        { index: true, element: <Navigate to="/register-updates" replace /> },
        ...SCREENS.map((s) => ({ path: `${s.path}/*`, element: <s.Component /> })),
        { path: '*', element: <Navigate to="/register-updates" replace /> },
      ],
    },
  ],
  { basename: '/admin' },
);

function Gate() {
  const { token, me, loading } = useAuth();
  if (!token) return <SignIn />;
  if (loading || !me) return <Loading what="your account" />;
  return (
    <ProgramProvider>
      <RouterProvider router={router} />
    </ProgramProvider>
  );
}

export function App({ queryClient = makeQueryClient() }: { queryClient?: QueryClient }) {
  return (
    <MantineProvider theme={theme}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <Gate />
        </AuthProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
