"""Recognising Java projects: Maven or Gradle builds a jar that runs on a JRE image."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.buildplan.plan import PackageManager, Runtime
from domain.buildplan.recipe import Detection, Recipe, RunStage
from domain.buildplan.tree import SourceTree, first_line
from domain.buildplan.versions import JAVA, ChosenVersion, choose_version

JAR = "/out/app.jar"
_JAVA_MAJOR = re.compile(r"(?:^|[-_a-z])(\d+)(?:\.(\d+))?")
_GRADLE_MANIFESTS = (
    "build.gradle",
    "build.gradle.kts",
    "settings.gradle",
    "settings.gradle.kts",
    "gradle.properties",
    "gradlew",
    "gradle/",
)
_GRADLE_TOOLCHAIN = re.compile(r"JavaLanguageVersion\.of\(\s*['\"]?(\d+)")
_GRADLE_SOURCE = re.compile(
    r"sourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_)?['\"]?(1[._]8|\d+)", re.IGNORECASE
)


@dataclass(frozen=True)
class _BuildTool:
    manager: PackageManager
    wrapper: bool
    image: str
    manifests: tuple[str, ...]
    install: str
    build: str
    modules: bool
    outputs: str
    exclude: str


def detect_java(tree: SourceTree, explicit_start: str | None) -> Detection:
    """Plan a Maven or Gradle project: JDK version, dependency fetch, jar build and run."""
    del explicit_start
    version = _java_version(tree)
    tool = _maven(tree, version.version) if tree.has("pom.xml") else _gradle(tree, version.version)
    wrapper = " wrapper" if tool.wrapper else ""
    notes = [f"{tool.manager.value}{wrapper} builds the jar in {tool.outputs}/"]
    if tool.modules:
        notes.append("several modules: dependencies download after the whole source is copied")
    pick = (
        f"mkdir -p /out && cp \"$(find {tool.outputs} -maxdepth 1 -name '*.jar' {tool.exclude}"
        f' | sort | head -n 1)" {JAR}'
    )
    recipe = Recipe(
        image=tool.image,
        workdir="/src",
        manifests=tuple(m for m in tool.manifests if tree.has(m) or tree.has_dir(m.rstrip("/"))),
        install=tool.install,
        install_needs_source=tool.modules,
        build=tool.build,
        package=(pick,),
        start="java -Dserver.port=$PORT -jar /app/app.jar",
        run_stage=RunStage(
            f"eclipse-temurin:{version.version}-jre", artifacts=((JAR, "/app/app.jar"),)
        ),
    )
    hint = f"the build command must leave a runnable jar in {tool.outputs}/"
    return Detection(Runtime.JAVA, version, tool.manager, recipe, tuple(notes), artifact_hint=hint)


def _maven(tree: SourceTree, version: str) -> _BuildTool:
    wrapper = tree.has("mvnw")
    mvn = "./mvnw" if wrapper else "mvn"
    return _BuildTool(
        PackageManager.MAVEN,
        wrapper,
        f"eclipse-temurin:{version}-jdk" if wrapper else f"maven:3-eclipse-temurin-{version}",
        ("pom.xml", "mvnw", ".mvn/"),
        f"{mvn} -B -q dependency:go-offline",
        f"{mvn} -B -DskipTests package",
        modules=any(f.endswith("/pom.xml") for f in tree.files),
        outputs="target",
        exclude="! -name '*-sources.jar' ! -name '*-javadoc.jar' ! -name 'original-*'",
    )


def _gradle(tree: SourceTree, version: str) -> _BuildTool:
    wrapper = tree.has("gradlew")
    gradle = "./gradlew" if wrapper else "gradle"
    return _BuildTool(
        PackageManager.GRADLE,
        wrapper,
        f"eclipse-temurin:{version}-jdk" if wrapper else f"gradle:jdk{version}",
        _GRADLE_MANIFESTS,
        f"{gradle} --no-daemon dependencies",
        f"{gradle} --no-daemon build -x test",
        modules=any(re.search(r"/build\.gradle(\.kts)?$", f) for f in tree.files),
        outputs="build/libs",
        exclude="! -name '*-plain.jar'",
    )


def java_major(raw: str | None) -> str | None:
    """The Java feature release: ``1.8`` → ``8``, ``temurin-17.0.2+8`` → ``17``."""
    match = _JAVA_MAJOR.search(raw or "")
    if match is None:
        return raw
    major, minor = match.groups()
    return minor if major == "1" and minor else major


def _java_version(tree: SourceTree) -> ChosenVersion:
    pom = tree.text("pom.xml") or ""
    gradle_file = tree.first("build.gradle.kts", "build.gradle") or "build.gradle"
    gradle = tree.text(gradle_file) or ""
    toolchain = _GRADLE_TOOLCHAIN.search(gradle)
    source = _GRADLE_SOURCE.search(gradle)
    found = [
        (".java-version", java_major(first_line(tree.text(".java-version")))),
        (".tool-versions", java_major(tree.tool_versions().get("java"))),
        (
            "pom.xml maven.compiler.release",
            java_major(_pom_property(pom, "maven.compiler.release")),
        ),
        ("pom.xml maven.compiler.source", java_major(_pom_property(pom, "maven.compiler.source"))),
        ("pom.xml java.version", java_major(_pom_property(pom, "java.version"))),
        (f"{gradle_file} toolchain languageVersion", toolchain.group(1) if toolchain else None),
        (f"{gradle_file} sourceCompatibility", java_major(source.group(1)) if source else None),
    ]
    return choose_version(JAVA, found)


def _pom_property(pom: str, name: str, depth: int = 0) -> str | None:
    match = re.search(rf"<{re.escape(name)}>\s*([^<\s]+)\s*</{re.escape(name)}>", pom)
    if match is None:
        return None
    value = match.group(1)
    reference = re.fullmatch(r"\$\{([\w.-]+)\}", value)
    if reference and depth < 3:  # maven.compiler.source is often ${java.version}
        return _pom_property(pom, reference.group(1), depth + 1)
    return None if reference else value
