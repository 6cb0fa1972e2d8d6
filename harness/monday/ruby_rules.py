"""graphql-core's validation rules, reporting errors as graphql-ruby (Monday's engine) words them.

:data:`RULES` is graphql-core's :data:`specified_rules` where each rule that has a graphql-ruby
counterpart the emulator documents reports graphql-ruby's message, ``extensions.code``, location
and path instead of graphql-core's. Rules without one (fragments, directives, field merging, ...)
keep graphql-core's errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from graphql import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    FieldsOnCorrectTypeRule,
    GraphQLError,
    KnownArgumentNamesRule,
    KnownOperationTypesRule,
    KnownTypeNamesRule,
    LoneAnonymousOperationRule,
    Node,
    NoUndefinedVariablesRule,
    NoUnusedVariablesRule,
    OperationDefinitionNode,
    ProvidedRequiredArgumentsRule,
    ScalarLeafsRule,
    ValidationContext,
    ValuesOfCorrectTypeRule,
    VariableDefinitionNode,
    VariableNode,
    VariablesAreInputTypesRule,
    VariablesInAllowedPositionRule,
    VisitorAction,
    get_named_type,
    is_leaf_type,
    is_required_argument,
    print_ast,
    specified_rules,
)
from graphql.validation import ASTValidationRule

from harness.monday.ruby_errors import (
    NodeT,
    lineage,
    located_error,
    named_type,
    nearest,
    operation_label,
    operation_name_required,
)

Translation = Callable[[ValidationContext, GraphQLError], GraphQLError | None]
"""graphql-ruby's version of a graphql-core error, or ``None`` to keep graphql-core's."""


def _unsupported_operation(context: ValidationContext, error: GraphQLError) -> GraphQLError | None:
    operation = _blamed(error, OperationDefinitionNode)
    if operation is None:
        return None
    return GraphQLError(f"Schema is not configured for {operation.operation.value}s")


def _anonymous_among_several(context: ValidationContext, error: GraphQLError) -> GraphQLError | None:
    return operation_name_required()


def _undefined_input_type(context: ValidationContext, error: GraphQLError) -> GraphQLError | None:
    blamed = _blamed(error, Node)
    variable = nearest(lineage(context.document, blamed), VariableDefinitionNode) if blamed else None
    if variable is None:
        return None
    message = f"{named_type(variable.type)} isn't a defined input type (on ${variable.variable.name.value})"
    return GraphQLError(message, extensions={"code": "variableRequiresValidType"})


def _selection_mismatch(context: ValidationContext, error: GraphQLError) -> GraphQLError | None:
    blamed, type_ = _blamed(error, Node), context.get_type()
    chain = lineage(context.document, blamed) if blamed else []
    field = nearest(chain, FieldNode)
    if field is None or type_ is None:
        return None
    chain, name = chain[: chain.index(field) + 1], field.name.value
    if is_leaf_type(get_named_type(type_)):
        message = (
            f"Selections can't be made on scalars (field '{name}' returns {get_named_type(type_)} "
            "but has selections)"
        )
    elif field.selection_set is None:
        message = (
            f"Field must have selections (field '{name}' returns {type_} but has no selections. "
            f"Did you mean '{name} {{ ... }}'?)"
        )
    else:
        return None
    return located_error(chain, message, code="selectionMismatch")


def _undefined_field(context: ValidationContext, error: GraphQLError) -> GraphQLError | None:
    field, parent = _blamed(error, FieldNode), context.get_parent_type()
    if field is None or parent is None:
        return None
    name, type_name = field.name.value, parent.name
    return located_error(
        lineage(context.document, field),
        f"Field '{name}' doesn't exist on type '{type_name}'",
        code="undefinedField",
        typeName=type_name,
        fieldName=name,
    )


def _invalid_literal(context: ValidationContext, error: GraphQLError) -> GraphQLError | None:
    blamed, definition = _blamed(error, Node), context.get_argument()
    chain = lineage(context.document, blamed) if blamed else []
    argument = nearest(chain, ArgumentNode)
    if argument is None or definition is None:
        return None
    chain = chain[: chain.index(argument) + 1]
    owner = chain[-2]
    if not isinstance(owner, FieldNode | DirectiveNode):
        return None
    kind = "Field" if isinstance(owner, FieldNode) else "Directive"
    message = (
        f"Argument '{argument.name.value}' on {kind} '{owner.name.value}' has an invalid value. "
        f"Expected type '{definition.type}'."
    )
    return located_error(chain, message, code="argumentLiteralsIncompatible")


def _undeclared_variable(context: ValidationContext, error: GraphQLError) -> GraphQLError | None:
    variable, operation = _blamed(error, VariableNode), _blamed(error, OperationDefinitionNode, 1)
    if variable is None or operation is None:
        return None
    message = f"Variable ${variable.name.value} is used by {operation_label(operation)} but not declared"
    return GraphQLError(message, extensions={"code": "variableNotDefined"})


def _unused_variable(context: ValidationContext, error: GraphQLError) -> GraphQLError | None:
    variable = _blamed(error, VariableDefinitionNode)
    operation = nearest(lineage(context.document, variable), OperationDefinitionNode) if variable else None
    if variable is None or operation is None:
        return None
    message = f"Variable ${variable.variable.name.value} is declared by {operation_label(operation)} but not used"
    return GraphQLError(message, extensions={"code": "variableNotUsed"})


def _variable_mismatch(context: ValidationContext, error: GraphQLError) -> GraphQLError | None:
    definition, variable = _blamed(error, VariableDefinitionNode), _blamed(error, VariableNode, 1)
    operation = nearest(lineage(context.document, definition), OperationDefinitionNode) if definition else None
    if definition is None or variable is None or operation is None:
        return None
    usages = context.get_recursive_variable_usages(operation)
    expected = next((usage.type for usage in usages if usage.node is variable), None)
    chain = lineage(context.document, variable)
    argument = nearest(chain, ArgumentNode)
    if expected is None or argument is None:
        return None
    name, given = variable.name.value, print_ast(definition.type)
    return located_error(
        chain[: chain.index(argument) + 1],
        f"Type mismatch on variable ${name} and argument {argument.name.value} ({given} / {expected})",
        code="variableMismatch",
    )


def _blamed(error: GraphQLError, kind: type[NodeT], index: int = 0) -> NodeT | None:
    """The ``index``-th node the error blames, if it is a ``kind``."""
    nodes = error.nodes or []
    node = nodes[index] if index < len(nodes) else None
    return node if isinstance(node, kind) else None


class RequiredArgumentsRule(ProvidedRequiredArgumentsRule):
    """One error per field naming all its missing required arguments, as graphql-ruby reports them."""

    def leave_field(self, node: FieldNode, *_args: Any) -> VisitorAction:
        definition = self.context.get_field_def()
        given = {argument.name.value for argument in node.arguments or ()}
        required = definition.args.items() if definition else ()
        missing = [name for name, arg in required if is_required_argument(arg) and name not in given]
        if missing:
            message = f"Field '{node.name.value}' is missing required arguments: {', '.join(missing)}"
            chain = lineage(self.context.document, node)
            self.report_error(located_error(chain, message, code="missingRequiredArguments"))
        return None


class KnownFieldArgumentsRule(KnownArgumentNamesRule):
    """An argument the field does not define, reported as graphql-ruby does.

    Unknown arguments of directives are left to the inherited ``enter_directive``.
    """

    def enter_argument(self, node: ArgumentNode, *args: Any) -> None:
        owner = args[3][-1]  # the ancestors end with the field or directive (the parent is the argument list)
        defined = self.context.get_argument() is not None
        if defined or self.context.get_field_def() is None or not isinstance(owner, FieldNode):
            return
        field, name = owner.name.value, node.name.value
        chain = lineage(self.context.document, owner)
        self.report_error(
            located_error(
                chain,
                f"Field '{field}' doesn't accept argument '{name}'",
                code="argumentNotAccepted",
                name=field,
                argumentName=name,
            )
        )


def in_ruby_words(rule: type[ASTValidationRule], translate: Translation) -> type[ASTValidationRule]:
    """A subclass of ``rule`` whose errors go through ``translate`` before they are reported."""

    def report_error(self: ASTValidationRule, error: GraphQLError) -> None:
        context = self.context
        if isinstance(context, ValidationContext):
            error = translate(context, error) or error
        context.report_error(error)

    return type(rule.__name__, (rule,), {"report_error": report_error})


TRANSLATIONS: Mapping[type[ASTValidationRule], Translation] = MappingProxyType(
    {
        KnownOperationTypesRule: _unsupported_operation,
        LoneAnonymousOperationRule: _anonymous_among_several,
        KnownTypeNamesRule: _undefined_input_type,
        VariablesAreInputTypesRule: _undefined_input_type,
        ScalarLeafsRule: _selection_mismatch,
        FieldsOnCorrectTypeRule: _undefined_field,
        NoUndefinedVariablesRule: _undeclared_variable,
        NoUnusedVariablesRule: _unused_variable,
        ValuesOfCorrectTypeRule: _invalid_literal,
        VariablesInAllowedPositionRule: _variable_mismatch,
    }
)


REPLACEMENTS: Mapping[type[ASTValidationRule], type[ASTValidationRule]] = MappingProxyType(
    {ProvidedRequiredArgumentsRule: RequiredArgumentsRule, KnownArgumentNamesRule: KnownFieldArgumentsRule}
)


def _monday_rule(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    if rule in REPLACEMENTS:
        return REPLACEMENTS[rule]
    translate = TRANSLATIONS.get(rule)
    return rule if translate is None else in_ruby_words(rule, translate)


RULES: tuple[type[ASTValidationRule], ...] = tuple(map(_monday_rule, specified_rules))
"""The validation rules of the emulator's GraphQL endpoint."""

# Unused, then undeclared variables are listed after the other errors of a request.
_LAST = MappingProxyType({"variableNotUsed": 1, "variableNotDefined": 2})


def in_ruby_order(errors: list[GraphQLError]) -> list[GraphQLError]:
    """``errors`` in the order graphql-ruby reports them (otherwise in document order)."""
    return sorted(errors, key=lambda error: _LAST.get(str((error.extensions or {}).get("code")), 0))
