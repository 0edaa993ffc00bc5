import { useTranslation } from 'react-i18next';

/** Which team's settings a form edits: the default (teams without their own) or one team. */
export function TeamPicker({ value, teams, onChange }: { value: string; teams: { id: string; name: string }[]; onChange: (key: string) => void }) {
  const { t } = useTranslation();
  return (
    <label>{t('csatTeam')}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="default">{t('csatDefault')}</option>
        {teams.map((tm) => <option key={tm.id} value={tm.id}>{tm.name}</option>)}
      </select>
    </label>
  );
}
