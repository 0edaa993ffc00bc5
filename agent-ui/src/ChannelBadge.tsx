import { useTranslation } from 'react-i18next';
import type { Channel } from './types';

export function ChannelBadge({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  return <span className={`badge ch-${channel}`}>{t(`channel_${channel}`)}</span>;
}
