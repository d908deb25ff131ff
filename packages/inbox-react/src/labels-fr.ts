import type { InboxLabels } from "./inbox-labels.ts";

// French sets a non-breaking space before a colon; 0 and 1 take the singular.
export const FR_LABELS: InboxLabels = {
  title: "Notifications",
  bellUnread: (title, unread) => `${title}, ${unread} ${unread <= 1 ? "non lue" : "non lues"}`,
  emptyText: "Vous êtes à jour.",
  actionLabel: "Ouvrir",
  markAllRead: "Tout marquer comme lu",
  retry: "Réessayer",
  reconnecting: "Reconnexion…",
  loading: "Chargement…",
  loadMore: "Afficher plus",
  actionFailed: "Impossible d’enregistrer cette modification.",
  unread: "Non lue",
  archive: "Archiver",
  archiveItem: (itemTitle) => `Archiver\u00a0: ${itemTitle}`,
  preferencesTitle: "Préférences de notification",
  channelsLegend: "Canaux",
  categoriesLegend: "Catégories",
  required: "(obligatoire)",
  unsubscribeAll: "Se désabonner de toutes les notifications facultatives",
  unsubscribeAllHint: "Vous continuerez à recevoir les notifications obligatoires.",
  loadFailed: (message) => `Impossible de charger vos préférences\u00a0: ${message}`,
  saveFailed: (message) => `Impossible d’enregistrer cette modification\u00a0: ${message}`,
  channels: { email: "E-mail", sms: "SMS", push: "Push", in_app: "Dans l’application" },
  categories: {
    security: {
      label: "Sécurité",
      description: "Réinitialisations de mot de passe, alertes de connexion, codes de vérification",
    },
    transactional: { label: "Transactions", description: "Commandes, paiements, activité du compte" },
    marketing: { label: "Marketing", description: "Promotions et newsletters" },
    product: { label: "Produit", description: "Nouveautés et annonces produit" },
    social: { label: "Communauté", description: "Mentions, commentaires, nouveaux abonnés" },
  },
};
