"""Word lists behind the Faker providers: components, services, statuses, templates.

French strings keep the articles they need (``du``/``de la``/``de l'``) so that the
templates read naturally, as in the migration document's own examples.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "COMPONENTS",
    "ENDPOINTS",
    "GROUPS",
    "OAUTH_PROVIDERS",
    "PRIORITIES",
    "REPO_NAMES",
    "SERVICES",
    "STATUS_LABELS",
    "TASK_TEMPLATES",
    "Component",
    "StatusLabelSpec",
    "TaskTemplate",
]


class Component(NamedTuple):
    """A UI component or service: French object form, French ``de`` form, English, slug."""

    fr: str
    fr_de: str
    en: str
    slug: str


class TaskTemplate(NamedTuple):
    """A task shape. Slots: {fr}, {fr_de}, {en}, {slug}, {colour}, {old_colour}, {provider},
    {provider_slug}, {endpoint}, {endpoint_slug}, {colour_slug}, {requester}."""

    task_type: str
    subject: str  # "component" or "service": which list fills {fr}/{fr_de}/{en}/{slug}
    branch: str
    title_fr: str
    title_en: str
    description_fr: str
    description_en: str
    criteria_fr: str
    criteria_en: str


class StatusLabelSpec(NamedTuple):
    """A status label as Monday styles it."""

    label_index: int
    text: str
    color: str
    border: str
    var_name: str
    is_done: bool


COMPONENTS = (
    Component("le bouton 'S'inscrire'", "du bouton 'S'inscrire'", "'Sign up' button", "signup-button"),
    Component("le formulaire de connexion", "du formulaire de connexion", "login form", "login-form"),
    Component("la page de profil", "de la page de profil", "profile page", "profile-page"),
    Component("le tableau de bord", "du tableau de bord", "dashboard", "dashboard"),
    Component("l'en-tête de navigation", "de l'en-tête de navigation", "navigation header", "nav-header"),
    Component("le panier", "du panier", "shopping cart", "cart"),
    Component("la page de paiement", "de la page de paiement", "checkout page", "checkout"),
    Component("le pied de page", "du pied de page", "footer", "footer"),
)

SERVICES = (
    Component("l'API backend", "de l'API backend", "backend API", "backend-api"),
    Component("le service de notifications", "du service de notifications", "notification service", "notifications"),
    Component("le worker Celery", "du worker Celery", "Celery worker", "celery-worker"),
    Component("le webhook Monday", "du webhook Monday", "Monday webhook", "monday-webhook"),
    Component("le service de facturation", "du service de facturation", "billing service", "billing"),
)

OAUTH_PROVIDERS = ("Google", "GitHub", "Microsoft", "GitLab", "Apple")

ENDPOINTS = ("/auth/google", "/api/users", "/api/orders", "/api/invoices", "/health", "/webhook/monday")

REPO_NAMES = (
    "frontend-app",
    "backend-api",
    "ai-agent",
    "mobile-app",
    "billing-service",
    "design-system",
    "admin-portal",
    "data-pipeline",
)

PRIORITIES = ("Low", "Medium", "High", "Critical")

GROUPS = (
    ("topics", "Backlog"),
    ("new_group", "À faire"),
    ("group_title", "En cours"),
    ("done_group", "Terminé"),
)

STATUS_LABELS = (
    StatusLabelSpec(0, "Working on it", "#fdab3d", "#e99729", "orange", False),
    StatusLabelSpec(1, "Done", "#00c875", "#00b461", "green-shadow", True),
    StatusLabelSpec(2, "Stuck", "#e2445c", "#ce3048", "red-shadow", False),
    StatusLabelSpec(3, "À faire", "#0086c0", "#3db0df", "blue-links", False),
    StatusLabelSpec(4, "Backlog", "#c4c4c4", "#b0b0b0", "grey", False),
    StatusLabelSpec(6, "En cours", "#a25ddc", "#9238af", "purple", False),
)

TASK_TEMPLATES = (
    TaskTemplate(
        "Feature",
        "component",
        "feature/{slug}-{colour_slug}",
        "Changer la couleur {fr_de} en {colour}",
        "Change the {en} colour to {colour}",
        "Le designer demande de changer la couleur {fr_de} de {old_colour} vers {colour} "
        "pour améliorer la visibilité. Demandé par {requester}.",
        "Design asked to change the {en} colour from {old_colour} to {colour} "
        "to improve visibility. Requested by {requester}.",
        "- La nouvelle couleur est appliquée\n- Contraste WCAG AA respecté",
        "- The new colour is applied\n- WCAG AA contrast is met",
    ),
    TaskTemplate(
        "Feature",
        "service",
        "feature/oauth2-{provider_slug}",
        "Implémenter authentification OAuth2 avec {provider}",
        "Implement OAuth2 authentication with {provider}",
        "Ajouter l'authentification OAuth2 avec {provider} dans {fr}. Inclure : "
        "1) Endpoint {endpoint} 2) Middleware de validation JWT 3) Tests d'intégration",
        "Add OAuth2 authentication with {provider} to the {en}. Include: "
        "1) a {endpoint} endpoint 2) JWT validation middleware 3) integration tests",
        "- L'utilisateur peut se connecter avec {provider}\n- JWT valide généré\n- Tests coverage > 90%",
        "- Users can sign in with {provider}\n- A valid JWT is issued\n- Test coverage > 90%",
    ),
    TaskTemplate(
        "Bug",
        "service",
        "fix/{endpoint_slug}-500",
        "Corriger l'erreur 500 sur {endpoint}",
        "Fix the 500 error on {endpoint}",
        "Depuis la dernière mise en production, {endpoint} renvoie une erreur 500 "
        "quand la requête est vide. Signalé par {requester}.",
        "Since the last release {endpoint} answers 500 on an empty request. Reported by {requester}.",
        "- {endpoint} répond 400 sur une requête vide\n- Test de non-régression ajouté",
        "- {endpoint} answers 400 on an empty request\n- A regression test is added",
    ),
    TaskTemplate(
        "Test",
        "service",
        "test/{slug}-integration",
        "Ajouter des tests d'intégration pour {fr}",
        "Add integration tests for the {en}",
        "Couvrir {fr} par des tests d'intégration avec RabbitMQ et PostgreSQL.",
        "Cover the {en} with integration tests against RabbitMQ and PostgreSQL.",
        "- Les tests passent en CI\n- Couverture > 80%",
        "- Tests pass in CI\n- Coverage > 80%",
    ),
    TaskTemplate(
        "Refactor",
        "service",
        "refactor/{slug}-rabbitmq",
        "Migrer {fr} de Redis vers RabbitMQ",
        "Move the {en} from Redis to RabbitMQ",
        "Remplacer le broker Redis par RabbitMQ pour {fr}, avec DLQ et priorités.",
        "Replace the Redis broker with RabbitMQ for the {en}, with a DLQ and priorities.",
        "- Aucune tâche perdue\n- Les échecs arrivent dans la DLQ",
        "- No task is lost\n- Failures reach the DLQ",
    ),
    TaskTemplate(
        "Bug",
        "component",
        "fix/{slug}-mobile-layout",
        "Corriger l'affichage {fr_de} sur mobile",
        "Fix the {en} layout on mobile",
        "Sur les écrans de moins de 375 px, l'affichage {fr_de} déborde. Vu par {requester}.",
        "On screens narrower than 375 px the {en} overflows. Seen by {requester}.",
        "- Aucun débordement horizontal\n- Vérifié sur iOS et Android",
        "- No horizontal overflow\n- Checked on iOS and Android",
    ),
    TaskTemplate(
        "Documentation",
        "service",
        "docs/{endpoint_slug}-swagger",
        "Documenter l'endpoint {endpoint} dans Swagger",
        "Document the {endpoint} endpoint in Swagger",
        "Décrire les paramètres, les réponses et les erreurs de {endpoint}.",
        "Describe the parameters, responses and errors of {endpoint}.",
        "- Documentation Swagger mise à jour",
        "- Swagger documentation is updated",
    ),
    TaskTemplate(
        "Feature",
        "component",
        "feature/{slug}-dark-mode",
        "Ajouter un mode sombre sur {fr}",
        "Add a dark mode to the {en}",
        "Proposer un thème sombre pour {fr}, activé selon la préférence du système.",
        "Offer a dark theme for the {en}, following the system preference.",
        "- Le thème suit la préférence du système\n- Contraste WCAG AA respecté",
        "- The theme follows the system preference\n- WCAG AA contrast is met",
    ),
)
