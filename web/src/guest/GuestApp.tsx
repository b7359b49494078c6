import { Container, createTheme, MantineProvider, Text, Title } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from './api';
import { ProgramApp } from './ProgramApp';
import { ReceiptPage } from './ReceiptPage';

const theme = createTheme({ primaryColor: 'teal', defaultRadius: 'md', respectReducedMotion: true });

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    // A 4xx will not change by asking again.
    defaultOptions: { queries: { retry: (n, e) => !(e instanceof ApiError && e.statusCode < 500 && e.statusCode > 0) && n < 2, refetchOnWindowFocus: false } },
  });
}

function NotFound() {
  return (
    <Container size="xs" py="md" component="main">
      <Title order={1} size="h2">
        Nothing here
      </Title>
      <Text>Scan the QR code on your receipt again, or open the link your program gave you.</Text>
    </Container>
  );
}

/** The guest pages: the receipt claim page and the per-program guest app. */
export function GuestApp({ queryClient = makeQueryClient() }: { queryClient?: QueryClient }) {
  return (
    <MantineProvider theme={theme}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Routes>
            <Route path="/r/:receiptCode" element={<ReceiptPage />} />
            <Route path="/g/:program/*" element={<ProgramApp />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
