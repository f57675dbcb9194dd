"use client";

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";

const en = {
  "app.name": "CV Tasks",
  "nav.cvs": "My CVs",
  "nav.signOut": "Sign out",
  "nav.language": "Language",
  "tasks.open": "Tasks",
  "tasks.activeCount": "{n} active",
  "tasks.title": "Task center",
  "tasks.close": "Close",
  "tasks.active": "Active",
  "tasks.history": "History",
  "tasks.noActive": "Nothing running.",
  "tasks.noHistory": "No finished tasks.",
  "tasks.cancel": "Cancel",
  "tasks.delete": "Delete",
  "tasks.retry": "Retry",
  "tasks.clearFinished": "Clear finished",
  "tasks.thisDevice": "this device",
  "tasks.otherDevice": "another device",
  "tasks.elapsed": "{s} elapsed",
  "tasks.took": "took {s}",
  "tasks.openCv": "Open the CV",
  "tasks.live": "Live",
  "tasks.offline": "Reconnecting…",
  "status.queued": "Queued",
  "status.running": "Running",
  "status.completed": "Completed",
  "status.failed": "Failed",
  "status.cancelled": "Cancelled",
  "stage.extracting": "Reading the PDF",
  "stage.parsing": "Understanding the CV",
  "stage.saving": "Saving",
  "stage.reading": "Reading the CV",
  "stage.analysing": "Analysing the offer",
  "stage.writing": "Writing",
  "stage.waiting": "Waiting",
  "toast.completed": "Done: {title}",
  "toast.failed": "Failed: {title}",
  "toast.cancelled": "Cancelled: {title}",
  "toast.dismiss": "Dismiss",
  "home.title": "Your CVs",
  "import.title": "Import a CV",
  "import.hint": "Drop your CV's PDF here, or choose it.",
  "import.choose": "Choose a PDF",
  "import.limits": "PDF, up to 10 MB and 20 pages.",
  "generate.title": "Tailor a CV to job offers",
  "generate.base": "Base CV",
  "generate.noBase": "Import a CV first.",
  "generate.offer": "Job offer {n}",
  "generate.offerText": "Paste the job offer",
  "generate.offerTitle": "Job title (optional)",
  "generate.offerCompany": "Company (optional)",
  "generate.addOffer": "Add another offer",
  "generate.removeOffer": "Remove",
  "generate.submit": "Generate {n} CV(s)",
  "generate.tooShort": "Each offer needs at least 50 characters.",
  "list.empty": "No CVs yet: import one to start.",
  "list.more": "Load more",
  "list.imported": "Imported",
  "list.generated": "Generated",
  "list.match": "Match {n}%",
  "cv.back": "Back to my CVs",
  "cv.edit": "Edit",
  "cv.save": "Save",
  "cv.cancelEdit": "Discard changes",
  "cv.saved": "Saved.",
  "cv.downloadJson": "Download JSON",
  "cv.downloadPdf": "Download PDF",
  "cv.matchReport": "Match report",
  "cv.score": "Score",
  "cv.matched": "Matched",
  "cv.missing": "Missing",
  "cv.basedOn": "Tailored from",
  "cv.baseCv": "the base CV",
  "cv.summary": "Summary",
  "cv.experience": "Experience",
  "cv.education": "Education",
  "cv.skills": "Skills",
  "cv.languages": "Languages",
  "cv.projects": "Projects",
  "cv.present": "Present",
  "cv.notFound": "This CV does not exist, or it is not yours.",
  "cv.delete": "Delete this CV",
  "field.name": "Name",
  "field.label": "Headline",
  "field.email": "Email",
  "field.phone": "Phone",
  "field.summary": "Summary",
  "field.position": "Position",
  "field.company": "Company",
  "field.location": "Location",
  "field.start": "Start (YYYY-MM)",
  "field.end": "End (YYYY-MM, empty if current)",
  "field.highlights": "Highlights (one per line)",
  "field.institution": "Institution",
  "field.degree": "Degree",
  "field.area": "Field",
  "field.skillGroup": "Group",
  "field.keywords": "Skills (comma separated)",
  "field.add": "Add",
  "field.remove": "Remove",
  "toast.rejected": "Not done: {title}",
  "toast.rejectedAction": "Not done",
  "error.not_a_pdf": "This file is not a PDF. Export your CV as a PDF and upload that file.",
  "error.empty_file": "The file is empty. Choose your CV's PDF file and try again.",
  "error.file_too_large": "The file is over the 10 MB limit. Export a lighter PDF (fewer or smaller images) and try again.",
  "error.body_too_large": "The file is over the 10 MB limit. Export a lighter PDF (fewer or smaller images) and try again.",
  "error.too_many_pages": "This PDF has more than 20 pages, the most a CV may have. Upload your CV alone.",
  "error.pdf_too_large_decompressed": "This PDF unpacks into far more data than a CV holds (it may be damaged). Export it again as a PDF and upload the new file.",
  "error.pdf_timeout": "This PDF takes too long to read. Export it again as a PDF and upload the new file.",
  "error.encrypted_pdf": "This PDF is password-protected. Save an unprotected copy and upload that.",
  "error.pdf_checks_busy": "Too many PDFs are being checked right now. Try again in a few seconds.",
  "error.too_many_active_tasks": "You already have as many tasks queued or running as allowed. Wait for some to finish or cancel them, then try again.",
  "error.cv_limit_reached": "You have reached the maximum number of CVs. Delete some, then try again.",
  "error.cv_not_found": "This CV no longer exists (it may have been deleted on another device).",
  "error.task_not_found": "This task no longer exists (it may have been deleted on another device).",
  "error.unauthorized": "Your session has ended. Sign in again, then try again.",
  "error.internal_error": "Something went wrong on the server. Try again in a moment.",
  "error.offline": "The server could not be reached. Your input is kept: try again when you are back online.",
  "confirm.cancel": "Keep them",
  "confirm.clearTitle": "Clear finished tasks?",
  "confirm.clearBody": "This removes {n} finished task(s) from the history on every device signed in to your account. Running tasks are kept.",
  "confirm.clearConfirm": "Clear {n} task(s)",
  "confirm.deleteCvTitle": "Delete this CV?",
  "confirm.deleteCvBody": "“{title}” will be deleted on every device signed in to your account. This cannot be undone. CVs tailored from it are kept.",
  "confirm.deleteCvConfirm": "Delete 1 CV",
  "confirm.keepCv": "Keep it",
  "auth.signIn": "Sign in",
  "auth.signUp": "Create account",
};

type Key = keyof typeof en;

const fr: Record<Key, string> = {
  "app.name": "CV Tasks",
  "nav.cvs": "Mes CV",
  "nav.signOut": "Se déconnecter",
  "nav.language": "Langue",
  "tasks.open": "Tâches",
  "tasks.activeCount": "{n} en cours",
  "tasks.title": "Centre des tâches",
  "tasks.close": "Fermer",
  "tasks.active": "En cours",
  "tasks.history": "Historique",
  "tasks.noActive": "Rien en cours.",
  "tasks.noHistory": "Aucune tâche terminée.",
  "tasks.cancel": "Annuler",
  "tasks.delete": "Supprimer",
  "tasks.retry": "Réessayer",
  "tasks.clearFinished": "Effacer les terminées",
  "tasks.thisDevice": "cet appareil",
  "tasks.otherDevice": "un autre appareil",
  "tasks.elapsed": "depuis {s}",
  "tasks.took": "a pris {s}",
  "tasks.openCv": "Ouvrir le CV",
  "tasks.live": "En direct",
  "tasks.offline": "Reconnexion…",
  "status.queued": "En attente",
  "status.running": "En cours",
  "status.completed": "Terminée",
  "status.failed": "Échouée",
  "status.cancelled": "Annulée",
  "stage.extracting": "Lecture du PDF",
  "stage.parsing": "Analyse du CV",
  "stage.saving": "Enregistrement",
  "stage.reading": "Lecture du CV",
  "stage.analysing": "Analyse de l'offre",
  "stage.writing": "Rédaction",
  "stage.waiting": "Attente",
  "toast.completed": "Terminé : {title}",
  "toast.failed": "Échec : {title}",
  "toast.cancelled": "Annulé : {title}",
  "toast.dismiss": "Fermer",
  "home.title": "Vos CV",
  "import.title": "Importer un CV",
  "import.hint": "Déposez ici le PDF de votre CV, ou choisissez-le.",
  "import.choose": "Choisir un PDF",
  "import.limits": "PDF, 10 Mo et 20 pages au plus.",
  "generate.title": "Adapter un CV à des offres",
  "generate.base": "CV de base",
  "generate.noBase": "Importez d'abord un CV.",
  "generate.offer": "Offre {n}",
  "generate.offerText": "Collez l'offre d'emploi",
  "generate.offerTitle": "Intitulé du poste (facultatif)",
  "generate.offerCompany": "Entreprise (facultatif)",
  "generate.addOffer": "Ajouter une offre",
  "generate.removeOffer": "Retirer",
  "generate.submit": "Générer {n} CV",
  "generate.tooShort": "Chaque offre doit compter au moins 50 caractères.",
  "list.empty": "Aucun CV pour l'instant : importez-en un pour commencer.",
  "list.more": "Afficher plus",
  "list.imported": "Importé",
  "list.generated": "Généré",
  "list.match": "Adéquation {n} %",
  "cv.back": "Retour à mes CV",
  "cv.edit": "Modifier",
  "cv.save": "Enregistrer",
  "cv.cancelEdit": "Abandonner les modifications",
  "cv.saved": "Enregistré.",
  "cv.downloadJson": "Télécharger en JSON",
  "cv.downloadPdf": "Télécharger en PDF",
  "cv.matchReport": "Rapport d'adéquation",
  "cv.score": "Score",
  "cv.matched": "Présent",
  "cv.missing": "Manquant",
  "cv.basedOn": "Adapté de",
  "cv.baseCv": "le CV de base",
  "cv.summary": "Résumé",
  "cv.experience": "Expérience",
  "cv.education": "Formation",
  "cv.skills": "Compétences",
  "cv.languages": "Langues",
  "cv.projects": "Projets",
  "cv.present": "Aujourd'hui",
  "cv.notFound": "Ce CV n'existe pas, ou il n'est pas à vous.",
  "cv.delete": "Supprimer ce CV",
  "field.name": "Nom",
  "field.label": "Titre",
  "field.email": "E-mail",
  "field.phone": "Téléphone",
  "field.summary": "Résumé",
  "field.position": "Poste",
  "field.company": "Entreprise",
  "field.location": "Lieu",
  "field.start": "Début (AAAA-MM)",
  "field.end": "Fin (AAAA-MM, vide si en cours)",
  "field.highlights": "Réalisations (une par ligne)",
  "field.institution": "Établissement",
  "field.degree": "Diplôme",
  "field.area": "Domaine",
  "field.skillGroup": "Groupe",
  "field.keywords": "Compétences (séparées par des virgules)",
  "field.add": "Ajouter",
  "field.remove": "Retirer",
  "toast.rejected": "Non effectué : {title}",
  "toast.rejectedAction": "Non effectué",
  "error.not_a_pdf": "Ce fichier n'est pas un PDF. Exportez votre CV en PDF et envoyez ce fichier.",
  "error.empty_file": "Le fichier est vide. Choisissez le PDF de votre CV et réessayez.",
  "error.file_too_large": "Le fichier dépasse la limite de 10 Mo. Exportez un PDF plus léger (moins d'images, ou plus petites) et réessayez.",
  "error.body_too_large": "Le fichier dépasse la limite de 10 Mo. Exportez un PDF plus léger (moins d'images, ou plus petites) et réessayez.",
  "error.too_many_pages": "Ce PDF a plus de 20 pages, le maximum pour un CV. Envoyez votre CV seul.",
  "error.pdf_too_large_decompressed": "Ce PDF se décompresse en bien plus de données qu'un CV n'en contient (il est peut-être endommagé). Exportez-le à nouveau en PDF et envoyez le nouveau fichier.",
  "error.pdf_timeout": "La lecture de ce PDF prend trop de temps. Exportez-le à nouveau en PDF et envoyez le nouveau fichier.",
  "error.encrypted_pdf": "Ce PDF est protégé par un mot de passe. Enregistrez une copie non protégée et envoyez-la.",
  "error.pdf_checks_busy": "Trop de PDF sont en cours de vérification. Réessayez dans quelques secondes.",
  "error.too_many_active_tasks": "Vous avez déjà autant de tâches en attente ou en cours que permis. Attendez qu'elles se terminent ou annulez-en, puis réessayez.",
  "error.cv_limit_reached": "Vous avez atteint le nombre maximal de CV. Supprimez-en, puis réessayez.",
  "error.cv_not_found": "Ce CV n'existe plus (il a peut-être été supprimé sur un autre appareil).",
  "error.task_not_found": "Cette tâche n'existe plus (elle a peut-être été supprimée sur un autre appareil).",
  "error.unauthorized": "Votre session a expiré. Reconnectez-vous, puis réessayez.",
  "error.internal_error": "Une erreur s'est produite sur le serveur. Réessayez dans un instant.",
  "error.offline": "Le serveur est injoignable. Votre saisie est conservée : réessayez une fois la connexion revenue.",
  "confirm.cancel": "Les garder",
  "confirm.clearTitle": "Effacer les tâches terminées ?",
  "confirm.clearBody": "Cela retire {n} tâche(s) terminée(s) de l'historique sur tous les appareils connectés à votre compte. Les tâches en cours sont conservées.",
  "confirm.clearConfirm": "Effacer {n} tâche(s)",
  "confirm.deleteCvTitle": "Supprimer ce CV ?",
  "confirm.deleteCvBody": "« {title} » sera supprimé sur tous les appareils connectés à votre compte. C'est définitif. Les CV adaptés à partir de lui sont conservés.",
  "confirm.deleteCvConfirm": "Supprimer 1 CV",
  "confirm.keepCv": "Le garder",
  "auth.signIn": "Se connecter",
  "auth.signUp": "Créer un compte",
};

export type Locale = "en" | "fr";
const DICTS: Record<Locale, Record<Key, string>> = { en, fr };
const STORAGE = "cv-tasks.locale";

interface I18n {
  locale: Locale;
  setLocale(l: Locale): void;
  t(key: Key, vars?: Record<string, string | number>): string;
  /** A server error in the reader's language, from its stable code; the server's own message for codes we do not know. */
  errorText(code: string, fallback: string): string;
}

const I18nContext = createContext<I18n | null>(null);

function format(text: string, vars?: Record<string, string | number>) {
  return vars ? text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`)) : text;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>("en");
  useEffect(() => {
    const saved = localStorage.getItem(STORAGE);
    const browser = navigator.language?.toLowerCase().startsWith("fr") ? "fr" : "en";
    // Follows the browser until the user picks a language.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setLocaleState(saved === "fr" || saved === "en" ? saved : browser);
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    localStorage.setItem(STORAGE, l);
    setLocaleState(l);
  }, []);
  const t = useCallback((key: Key, vars?: Record<string, string | number>) => format(DICTS[locale][key] ?? en[key], vars), [locale]);
  const errorText = useCallback(
    (code: string, fallback: string) => {
      const key = `error.${code}`;
      return key in en ? DICTS[locale][key as Key] : fallback;
    },
    [locale],
  );
  return <I18nContext.Provider value={{ locale, setLocale, t, errorText }}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n outside I18nProvider");
  return ctx;
}

/** "12 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
