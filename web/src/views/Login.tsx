import { useState } from 'react';
import { useI18n } from '../i18n';
import { api, ApiError } from '../api';
import type { User } from '../types';

export function Login({ onLogin, notice }: { onLogin: (u: User) => void; notice?: string | null }) {
  const { t, toggle } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) { setError(t('login.required')); return; }
    setBusy(true); setError(null);
    try {
      const res = await api.login(username.trim(), password);
      onLogin(res.user);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) setError(t('login.failed'));
      else setError(t('login.error', { detail: (err as Error).message }));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <div className="login-brand">
          <span className="logo" aria-hidden="true">Z</span>
          <div>
            <div className="brand-name">{t('app.name')}</div>
            <div className="muted small">{t('app.tagline')}</div>
          </div>
          <button type="button" className="link-btn lang-btn" onClick={toggle} title={t('lang.switchTitle')}>{t('lang.switch')}</button>
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        {notice && <p className="notice" role="status">{notice}</p>}
        <div className="field">
          <label htmlFor="login-username">{t('login.username')}</label>
          <input id="login-username" name="username" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="login-password">{t('login.password')}</label>
          <input id="login-password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        {error && <p className="error" role="alert" data-testid="login-error">{error}</p>}
        <button type="submit" className="btn primary wide" disabled={busy}>{busy ? t('login.busy') : t('login.submit')}</button>
        <p className="muted small">{t('login.note')}</p>
      </form>
    </main>
  );
}
