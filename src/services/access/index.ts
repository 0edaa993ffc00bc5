import type { Models } from '../../store';
import { teamAccessMode } from './team-access';
import { inboxScopeOf, type InboxScope, type Viewer } from './visibility';

export {
  attachableFile, checkAttachment, checkAuditEntry, checkCustomer, checkMessage, visibleConversation, visibleConversationsOf, visibleCustomersOf,
  visibleMessagesOf,
} from './resources';
export { DEFAULT_TEAM_ACCESS, TEAM_ACCESS_MODES, setTeamAccessMode, teamAccessMode, type TeamAccessMode } from './team-access';
export { canSeeConversation, seesEverything, type InboxScope, type Viewer } from './visibility';

/** The viewer's inbox scope under the mode in effect (null: they see every conversation). */
export async function inboxScope(m: Models, v: Viewer): Promise<InboxScope | null> {
  return inboxScopeOf(v, await teamAccessMode(m));
}

/**
 * Whether the viewer may use the whole customer directory (list, export): everyone who sees every conversation.
 * A team-restricted agent sees customers through their conversations only, which no index of all customers serves.
 */
export async function seesDirectory(m: Models, v: Viewer): Promise<boolean> {
  return inboxScopeOf(v, await teamAccessMode(m)) === null;
}
