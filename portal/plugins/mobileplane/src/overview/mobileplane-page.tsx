import { API_VERSION, KINDS, crdName } from '@mobileplane/api';
import type { KindName } from '@mobileplane/api';
import { Content, ContentHeader, Header, InfoCard, Page } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';

const kindNames = Object.keys(KINDS) as KindName[];

/** The plugin's landing page. For now it lists the custom resources the portal manages. */
export function MobileplanePage() {
  return (
    <Page themeId="tool">
      <Header title="Mobileplane" subtitle="Mobile backends on Kubernetes" />
      <Content>
        <ContentHeader title="Custom resources" />
        <InfoCard title={API_VERSION}>
          <Table size="small" aria-label="Custom resources">
            <TableHead>
              <TableRow>
                <TableCell>Kind</TableCell>
                <TableCell>CustomResourceDefinition</TableCell>
                <TableCell>Scope</TableCell>
                <TableCell>Short names</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {kindNames.map((kind) => (
                <TableRow key={kind}>
                  <TableCell>{kind}</TableCell>
                  <TableCell>{crdName(kind)}</TableCell>
                  <TableCell>{KINDS[kind].scope}</TableCell>
                  <TableCell>{KINDS[kind].shortNames.join(', ')}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </InfoCard>
      </Content>
    </Page>
  );
}
