import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { nl, type MessageKey } from './nl';
import { en } from './en';
import type { Lang } from '../lib/age';

export const dictionaries: Record<Lang, Record<MessageKey, string>> = { nl, en };
export type { MessageKey };

/** Fills {name} placeholders. Unknown keys fall back to Dutch, then to the key itself. */
export function translate(lang: Lang, key: string, params?: Record<string, string | number>): string {
  const dict = dictionaries[lang] as Record<string, string>;
  let s = dict[key] ?? (nl as Record<string, string>)[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, p: string) => (p in params ? String(params[p]) : m));
  return s;
}

export type T = (key: MessageKey | string, params?: Record<string, string | number>) => string;

interface I18n { lang: Lang; setLang: (l: Lang) => void; toggle: () => void; t: T }
const Ctx = createContext<I18n | null>(null);
const STORAGE_KEY = 'ozcc.lang';

function initialLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'nl' || v === 'en') return v;
  } catch { /* storage unavailable */ }
  return 'nl';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try { localStorage.setItem(STORAGE_KEY, l); } catch { /* ignore */ }
  }, []);
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);
  const value = useMemo<I18n>(() => ({
    lang, setLang, toggle: () => setLang(lang === 'nl' ? 'en' : 'nl'),
    t: (key, params) => translate(lang, key, params),
  }), [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
