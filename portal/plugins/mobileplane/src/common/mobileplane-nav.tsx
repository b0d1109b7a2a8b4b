import { Header, Page, Content } from '@backstage/core-components';
import { Link as RouterLink, useLocation } from 'react-router-dom';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import type { ReactNode } from 'react';
import { useBasePath } from './use-base-path';

/** The plugin's page frame: header, tabs (links, so the keyboard and the browser history work), content. */
export function MobileplaneFrame({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: string;
  children: ReactNode;
}) {
  const base = useBasePath();
  const { pathname } = useLocation();
  const tab = pathname.startsWith(`${base}/environments`) ? 1 : 0;
  return (
    <Page themeId="tool">
      <Header title={title} subtitle={subtitle ?? 'Mobile backends on Kubernetes'} />
      {/* Backstage's Page is a CSS grid; the tabs sit in its subheader row, as HeaderTabs do. */}
      <Box style={{ gridArea: 'pageSubheader' }}>
        <Tabs value={tab} aria-label="Mobileplane sections" indicatorColor="primary" variant="scrollable">
          <Tab label="Backends" component={RouterLink} to={base || '/'} />
          <Tab label="Environments" component={RouterLink} to={`${base}/environments`} />
        </Tabs>
      </Box>
      <Content>{children}</Content>
    </Page>
  );
}
