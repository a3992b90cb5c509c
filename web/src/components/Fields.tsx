import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { localizeCaseMessage } from '../lib/intake';
import type { Msg } from '../lib/validation';
import { KNOWN_CARE, LIVING_SITUATIONS, type KnownCare, type LivingSituation } from '../types';
import type { ContextForm } from '../lib/intake';

/** The id of a field's input: "patient.bsn" → "f-patient-bsn". */
export const fieldId = (name: string) => `f-${name.replace(/[^\w-]/g, '-')}`;

/**
 * A form's errors: its own checks (dictionary keys) before the server's (English, localised when known),
 * as one message per field in the user's language.
 */
export function useFieldMessages(own: Record<string, Msg>, server: Record<string, string>) {
  const { t } = useI18n();
  return (f: string): string | undefined => {
    if (own[f]) return t(own[f].key, own[f].params);
    const raw = server[f];
    if (raw == null) return undefined;
    return raw.split('; ').map((m) => { const k = localizeCaseMessage(m); return k ? t(k.key, k.params) : m; }).join('; ');
  };
}

/** Focuses the first wrong field of a form, in the order the form lists them. */
export function focusFirst(form: HTMLElement | null, order: readonly string[], wrong: string[]) {
  const first = order.find((f) => wrong.includes(f));
  if (!first || !form) return;
  const el = form.querySelector<HTMLElement>(`#${CSS.escape(fieldId(first))}, [name="${first}"]`);
  const sel = 'input, select, textarea, button';
  // A group (radios, check boxes) is focused at its first control.
  (el?.matches(sel) ? el : el?.querySelector<HTMLElement>(sel))?.focus();
}

/**
 * Form keys: Ctrl+Enter (or ⌘+Enter) sends; a plain Enter in a one-line field does not (a half-typed request is
 * not sent by accident: the button or Ctrl+Enter sends it).
 */
export function formKeys(form: HTMLFormElement | null) {
  return (e: React.KeyboardEvent) => {
    if (e.key !== 'Enter' || e.defaultPrevented) return;
    if (e.ctrlKey || e.metaKey) { e.preventDefault(); form?.requestSubmit(); return; }
    if ((e.target as HTMLElement).tagName === 'INPUT') e.preventDefault();
  };
}

export function FieldError({ name, error }: { name: string; error?: string }) {
  if (!error) return null;
  return <span id={`${fieldId(name)}-err`} className="field-error" role="alert" data-field={name}>{error}</span>;
}

type Common = { name: string; label: string; error?: string; hint?: ReactNode; className?: string };
const aria = (name: string, error?: string) => ({
  'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${fieldId(name)}-err` : undefined,
});

export function TextField({ name, label, error, hint, className, value, onChange, ...rest }: Common & {
  value: string; onChange: (v: string) => void;
} & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'name'>) {
  return (
    <div className={`field${error ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={fieldId(name)}>{label}</label>
      <input id={fieldId(name)} name={name} type="text" autoComplete="off" value={value}
        onChange={(e) => onChange(e.target.value)} {...aria(name, error)} {...rest} />
      {hint}
      <FieldError name={name} error={error} />
    </div>
  );
}

export function TextArea({ name, label, error, className, value, onChange, rows = 2, ...rest }: Common & {
  value: string; onChange: (v: string) => void; rows?: number;
} & Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange' | 'name'>) {
  return (
    <div className={`field${error ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={fieldId(name)}>{label}</label>
      <textarea id={fieldId(name)} name={name} rows={rows} value={value}
        onChange={(e) => onChange(e.target.value)} {...aria(name, error)} {...rest} />
      <FieldError name={name} error={error} />
    </div>
  );
}

export function SelectField({ name, label, error, className, value, onChange, children, ...rest }: Common & {
  value: string; onChange: (v: string) => void; children: ReactNode;
} & Omit<React.SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange' | 'name'>) {
  return (
    <div className={`field${error ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={fieldId(name)}>{label}</label>
      <select id={fieldId(name)} name={name} value={value} onChange={(e) => onChange(e.target.value)} {...aria(name, error)} {...rest}>
        {children}
      </select>
      <FieldError name={name} error={error} />
    </div>
  );
}

/** Age, living situation and known care: what the pathway conditions ask (intake and triage). */
export function ContextFields({ value, onChange, msg }: {
  value: ContextForm; onChange: (v: ContextForm) => void; msg: (f: string) => string | undefined;
}) {
  const { t } = useI18n();
  const toggle = (k: KnownCare, on: boolean) =>
    onChange({ ...value, knownCareAsked: true, knownCare: on ? [...value.knownCare, k] : value.knownCare.filter((x) => x !== k) });
  return (
    <div className="field-row">
      <TextField name="context.age_years" label={t('context.age')} value={value.age} inputMode="numeric" className="narrow"
        onChange={(v) => onChange({ ...value, age: v })} error={msg('context.age_years')} />
      <SelectField name="context.living" label={t('context.living')} value={value.living}
        onChange={(v) => onChange({ ...value, living: v as LivingSituation | '' })} error={msg('context.living')}>
        <option value="">{t('context.unknown')}</option>
        {LIVING_SITUATIONS.map((l) => <option key={l} value={l}>{t(`living.${l}`)}</option>)}
      </SelectField>
      <fieldset className={`field checks${msg('context.known_care') ? ' has-error' : ''}`} id={fieldId('context.known_care')}>
        <legend className="field-label">{t('context.knownCare')}</legend>
        <div className="check-list">
          {KNOWN_CARE.map((k) => (
            <label key={k} className="check">
              <input type="checkbox" name="context.known_care" value={k} checked={value.knownCare.includes(k)}
                onChange={(e) => toggle(k, e.target.checked)} />
              {t(`care.${k}`)}
            </label>
          ))}
          <label className="check muted">
            <input type="checkbox" checked={value.knownCareAsked} onChange={(e) => onChange({ ...value, knownCareAsked: e.target.checked })} />
            {t('context.knownCareAsked')}
          </label>
        </div>
        <FieldError name="context.known_care" error={msg('context.known_care')} />
      </fieldset>
    </div>
  );
}
