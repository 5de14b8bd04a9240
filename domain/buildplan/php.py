"""Recognising PHP projects: Composer dependencies served by Apache as a non-root user."""

from __future__ import annotations

from domain.buildplan.dockerfile import run_steps
from domain.buildplan.plan import PackageManager, Runtime
from domain.buildplan.recipe import Detection, Recipe
from domain.buildplan.tree import SourceTree, mapping_at
from domain.buildplan.versions import PHP, choose_version

WWW_DATA_UID = 33  # Debian's www-data, which owns Apache's run and lock directories
# Extensions docker-php-ext-install builds, with the -dev packages they need.
_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "bcmath": (),
    "calendar": (),
    "exif": (),
    "gettext": (),
    "mysqli": (),
    "opcache": (),
    "pcntl": (),
    "pdo_mysql": (),
    "sockets": (),
    "gmp": ("libgmp-dev",),
    "intl": ("libicu-dev",),
    "pdo_pgsql": ("libpq-dev",),
    "pgsql": ("libpq-dev",),
    "zip": ("libzip-dev",),
}
# Already compiled into the official php images.
_BUILT_IN = frozenset(
    {
        "ctype", "curl", "dom", "fileinfo", "filter", "ftp", "hash", "iconv", "json", "libxml",
        "mbstring", "mysqlnd", "openssl", "pcre", "pdo", "pdo_sqlite", "phar", "posix",
        "readline", "reflection", "session", "simplexml", "sodium", "spl", "sqlite3",
        "standard", "tokenizer", "xml", "xmlreader", "xmlwriter", "zlib",
    }
)  # fmt: skip
COMPOSER_HOME = "/var/www/.composer"  # outside the document root, so never served
_APACHE = run_steps(
    "a2enmod rewrite",
    f"install -d -o {WWW_DATA_UID} -g {WWW_DATA_UID} {COMPOSER_HOME}",
    "sed -ri -e 's/^Listen 80$/Listen ${PORT}/' /etc/apache2/ports.conf",
    "sed -ri -e 's/:80>/:${PORT}>/' -e 's!/var/www/html!${APACHE_DOCUMENT_ROOT}!g'"
    " /etc/apache2/sites-available/*.conf",
    "sed -ri -e 's!/var/www/!${APACHE_DOCUMENT_ROOT}!g'"
    " /etc/apache2/apache2.conf /etc/apache2/conf-available/*.conf",
)


def detect_php(tree: SourceTree, explicit_start: str | None) -> Detection:
    """Plan a PHP project: PHP version from composer.json, extensions, Apache document root."""
    del explicit_start
    composer = tree.json("composer.json")
    require = mapping_at(composer, "require")
    constraint = require.get("php")
    version = choose_version(
        PHP, [("composer.json require.php", constraint if isinstance(constraint, str) else None)]
    )
    wanted = sorted(k.removeprefix("ext-").lower() for k in require if k.startswith("ext-"))
    extensions = [e for e in wanted if e in _EXTENSIONS]
    notes = [
        f"PHP extension {e} is not installed automatically; use a Dockerfile"
        for e in wanted
        if e not in _EXTENSIONS and e not in _BUILT_IN
    ]
    public = tree.has("public/index.php")
    root = "/var/www/html/public" if public else "/var/www/html"
    notes.append(f"Apache serves {'public/' if public else 'the repository root'}")
    if "laravel/framework" in require:
        notes.append("Laravel: set APP_KEY and the database variables before deploying")
    if tree.has("package.json"):
        notes.append("package.json is not built; add a build command or a Dockerfile for assets")
    setup = ["COPY --from=composer:2 /usr/bin/composer /usr/bin/composer"] if composer else []
    if extensions:
        setup.append(f'RUN docker-php-ext-install -j"$(nproc)" {" ".join(extensions)}')
    setup.append(_APACHE)
    recipe = Recipe(
        image=f"php:{version.version}-apache",
        packages=(
            *(("git", "unzip") if composer else ()),
            *sorted({p for e in extensions for p in _EXTENSIONS[e]}),
        ),
        env=(("APACHE_DOCUMENT_ROOT", root), ("COMPOSER_HOME", COMPOSER_HOME)),
        setup=tuple(setup),
        workdir="/var/www/html",
        manifests=tuple(f for f in ("composer.json", "composer.lock") if tree.has(f)),
        install="composer install --no-dev --no-interaction --prefer-dist --no-scripts"
        " --no-autoloader"
        if composer
        else None,
        package=("composer dump-autoload --optimize --no-dev",) if composer else (),
        start="apache2-foreground",
        uid=WWW_DATA_UID,
        create_user=False,
    )
    manager = PackageManager.COMPOSER if composer else None
    return Detection(Runtime.PHP, version, manager, recipe, tuple(notes))
